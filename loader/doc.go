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
//     <project dir>/.env (unless COMPOSE_DISABLE_ENV_FILE); an allowed
//     variable of the process environment wins over .env; -p, else
//     COMPOSE_PROJECT_NAME, else `name:`, else the project directory's
//     name; --profile, else COMPOSE_PROFILES.
//   - A file that docker compose config rejects is rejected, with
//     compose-go's own message prefixed by the files being loaded.
//   - Variables come from the env files and from the variables of
//     Options.Environ that Options.Allowed names, never from the process
//     environment itself, so tests and callers control interpolation
//     fully. Unlike docker compose, the rest of Options.Environ is not
//     interpolated: a runner's environment holds its secrets (a CI job's
//     token), and a label would carry them into the config, the JSON model
//     and messages. A reference to such a variable is unset, as in compose,
//     and warns naming --env, never the value. The COMPOSE_* settings are
//     read from Options.Environ but not interpolated either. PWD is the
//     current directory, as in docker compose.
//   - Files the project names (secrets, env_file, label_file, an include's
//     env files or the included project's .env) are read only inside the
//     project directory, links resolved (ErrOutsideProject); the operator
//     names files anywhere (-f, --env-file).
//   - No Docker daemon and no network: remote (git, OCI) compose files are
//     not supported; images and build contexts need not exist.
//   - A Compose file format v1 file (services at the top level) is reported
//     with a hint (ErrLegacyFormat) instead of compose-go's schema error.
//   - Services come out sorted by name; maps are nil when empty.
//   - Each key of a service's labels, deploy.labels and environment has
//     the file and line that set it (model.Service.Positions), following
//     compose's merge of -f files, include:, extends, env_file and
//     label_file (positions.go), so that messages can point at the line.
//   - -f naming the main compose files (compose.yaml, …) of two folders that
//     define the same service warns: compose merges them into one project,
//     which is rarely what two projects' files are for. One Load is one
//     project; a run of several calls Load once for each.
package loader
