// Package registrator reads registrator's dialect: SERVICE_NAME and
// SERVICE_<port>_NAME (the names a service's ports are routed as),
// SERVICE_TAGS (the tags, handed to the model as they are), SERVICE_IGNORE,
// the SERVICE_<port>_* keys that name ports, and SERVICE_CHECK_* (the
// health check). It is the model.Dialect that dialect/all lists first, so
// that its check settings win over another dialect's.
package registrator
