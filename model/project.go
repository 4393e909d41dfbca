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
	Ports        []Port // from ports[].target; published or not
	Expose       []Port // from expose
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
}

// Port is a container port and its protocol ("tcp" or "udp"; empty means tcp).
type Port struct {
	Number   int
	Protocol string
}
