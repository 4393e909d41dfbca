// Package loader reads a Docker Compose project the way `docker compose
// config` reads it and reduces it to a model.Project.
//
// It exists so that the rest of compose2haproxy never imports compose-go:
// this is the one place that knows about compose files, .env files,
// COMPOSE_* variables, interpolation, profiles and merging, and the one
// place (besides the CLI) that touches the file system.
//
// What it promises:
//
//   - The same files, environment and project name that docker compose
//     would use: -f files merged in order ("-" reads Options.Stdin),
//     else COMPOSE_FILE (split on COMPOSE_PATH_SEPARATOR, default ':'),
//     else compose.yaml / compose.yml / docker-compose.yml /
//     docker-compose.yaml (plus its override file) found in the working
//     directory or a parent; --env-file, else COMPOSE_ENV_FILES, else
//     <project dir>/.env (unless COMPOSE_DISABLE_ENV_FILE); the process
//     environment wins over .env; -p, else COMPOSE_PROJECT_NAME, else
//     `name:`, else the project directory's name; --profile, else
//     COMPOSE_PROFILES.
//   - A file that docker compose config rejects is rejected, with
//     compose-go's own message prefixed by the files being loaded.
//   - Only Options.Environ is consulted for variables, never the process
//     environment, so tests and callers control interpolation fully.
//     (PWD defaults to the current directory, as in docker compose.)
//   - No Docker daemon and no network: remote (git, OCI) compose files are
//     not supported; images and build contexts need not exist.
//   - A Compose file format v1 file (services at the top level) is reported
//     with a hint (ErrLegacyFormat) instead of compose-go's schema error.
//   - Services come out sorted by name; maps are nil when empty.
package loader
