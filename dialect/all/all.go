package all

import (
	"github.com/compose2haproxy/compose2haproxy/dialect/dockerflow"
	"github.com/compose2haproxy/compose2haproxy/dialect/nginxproxy"
	"github.com/compose2haproxy/compose2haproxy/dialect/registrator"
	"github.com/compose2haproxy/compose2haproxy/dialect/traefik"
	"github.com/compose2haproxy/compose2haproxy/model"
)

// Dialects are every dialect, for model.Options.Dialects. Registrator's
// come first: its SERVICE_CHECK_TCP wins over com.df.checkTcp.
func Dialects() []model.Dialect {
	return []model.Dialect{
		registrator.Dialect{},
		dockerflow.Dialect{},
		traefik.Dialect{},
		nginxproxy.Dialect{},
	}
}
