package model

// Project is a compose project reduced to what routing needs. The loader
// fills it from compose-go, so this package never imports compose-go and
// stays easy to test with plain values.
type Project struct {
	Name string
	// Files are the compose files that were loaded, relative to the working
	// directory where possible ("-" for stdin); they appear in the header.
	Files    []string
	Services []Service // in any order; Build sorts
	Secrets  []Secret  // the top-level secrets, in any order
	// ExternalNetworks are the networks the project declares external
	// (made outside it, so shared with other projects and the proxy), by
	// their compose key, sorted.
	ExternalNetworks []string
	// NetworkNames are the names the engine knows the project's networks
	// by, when not PROJECT_KEY (a network's name:, an external one's key),
	// by compose key; a key missing is PROJECT_KEY.
	NetworkNames map[string]string
}

// Service is one compose service.
type Service struct {
	Name  string
	Image string
	// Labels, DeployLabels and Environment are read in that order: the first
	// that sets a key wins (registrator read both labels and environment).
	// Environment holds only variables that have a value.
	Labels       map[string]string
	DeployLabels map[string]string
	Environment  map[string]string
	// Positions say where each key of Labels, DeployLabels and Environment
	// was set, by layer (named as Source.From names it: "labels",
	// "deploy.labels", "environment") and key, so that a message can name
	// the file and line. Nil when unknown (a Service made in code); a key
	// may be missing.
	Positions map[string]map[string]Position
	Ports     []Port // from ports[].target; published or not
	Expose    []Port // from expose
	// Replicas is deploy.replicas or scale; 0 means not set.
	Replicas int
	Networks []string // sorted network names the service joins
	// NetworkAliases are the aliases the service has on each of its
	// networks (networks.<name>.aliases), by network; nil when none.
	NetworkAliases map[string][]string
	// NetworkMode is network_mode ("host", "service:x", …); empty when unset.
	NetworkMode string
	// Command is the service's command, split into words; nil when unset.
	// A proxy's (Traefik's) command holds its configuration.
	Command []string
	// Mounts are the service's volumes, in the compose file's order. The
	// loader reads the files of those under MountsReadUnder (nginx-proxy's
	// folders, whose files the nginx-proxy dialect translates or refuses).
	Mounts []Mount
}

// MountsReadUnder is the container folder whose bind mounts the loader
// reads: a proxy's htpasswd, certificate and vhost.d files live there.
const MountsReadUnder = "/etc/nginx"

// Mount is one volume of a service.
type Mount struct {
	Target string // the path in the container
	// Source is a bind mount's host path (relative to the project
	// directory when inside it) or a named volume's name.
	Source string
	Bind   bool
	// Files are what the loader read of a bind mount under
	// MountsReadUnder, or at a path the project names (a flag's or
	// variable's value of the service, a label's of any service: Traefik's
	// providers.file.directory): a file mounted alone is one File named "";
	// a folder's regular files by name, not recursively. Nil when not read.
	// A named path below a mount's target is a Mount of its own, whose
	// Target is that path.
	Files []MountFile
	// Problem says why Files could not be read ("is outside the project
	// directory"); empty when they were, or when nothing was to be read.
	Problem string
}

// MountFile is one file of a Mount.
type MountFile struct {
	Name    string
	Content []byte
}

// Port is a container port and its protocol ("tcp" or "udp"; empty means tcp).
type Port struct {
	Number   int
	Protocol string
}
