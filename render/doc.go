// Package render turns a model.Config into haproxy.cfg text with a
// text/template (the embedded templates/haproxy.cfg.tmpl, or a user's).
//
// It is pure: a Config in, bytes out. Every value it prints was validated
// by package model, so the template only arranges words; the derived
// Frontend (ACLs and use_backend rules) is computed here because it is a
// matter of HAProxy syntax, not of routing.
package render
