package model

import "strings"

// Option names one of Options' settings where a diagnostic or a Source
// speaks of it. The model never spells a front end's flags: the CLI shows
// OptionCerts as --tls, another front end as it names it (Diagnostic.Spell).
type Option string

// The options, named as Config's JSON names them where it holds them.
const (
	OptionDomains    Option = "domains"
	OptionProdLine   Option = "prod_line"
	OptionAll        Option = "all"
	OptionSwarm      Option = "swarm"
	OptionSlots      Option = "slots"
	OptionHTTP       Option = "listen.http"
	OptionStats      Option = "listen.stats"
	OptionHTTPS      Option = "listen.https"
	OptionCerts      Option = "listen.certs"
	OptionHTTPSPort  Option = "listen.https_port"
	OptionResolvers  Option = "resolvers"
	OptionHostMap    Option = "host_map"
	OptionRuntimeDir Option = "runtime.dir"
	OptionDNSRate    Option = "dns_rate"

	OptionTrustedProxies Option = "trusted_proxies"
	OptionStatsAuth      Option = "stats_auth"
	OptionAcceptProxy    Option = "listen.accept_proxy"

	// A front end's own settings, which Options do not hold, for the
	// messages and docs that point to them.
	OptionStrict   Option = "strict"   // warnings are errors
	OptionTemplate Option = "template" // a custom template renders the config
)

// source is where a value of option o came from.
func (o Option) source(value string) Source {
	return Source{Key: string(o), Value: value, From: "option"}
}

// ref names o inside a message or a fix; Spell replaces it with the front
// end's spelling. The marks are control characters, which Printable()
// quotes, so no value quoted in a message can hold one.
func (o Option) Ref() string { return refStart + string(o) + refEnd }

const refStart, refEnd = "\x01", "\x02"

// SpellRefs replaces every option a text names (a diagnostic's, or a
// label's documented effect) with spell(option).
func SpellRefs(s string, spell func(Option) string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, refStart)
		j := strings.Index(s, refEnd)
		if i < 0 || j < i {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		b.WriteString(spell(Option(s[i+1 : j])))
		s = s[j+1:]
	}
}
