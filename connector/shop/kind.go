package shop

import "go.yaml.in/yaml/v3"

// RegisterKind registers a shop kind whose block decodes into the options O: see
// OpenKind. retrier gives the shop's Retrier, for env.OnRetry.
func RegisterKind[O any, S Shop](kind string, build func(O, Env) (S, error), retrier func(S) *Retrier) {
	Register(kind, func(block *yaml.Node, env Env) (Shop, error) { return OpenKind(block, env, build, retrier) })
}

// OpenKind is what opening a shop from its block takes, for any kind: it decodes
// the block into the options O (a key O does not know is refused at its line),
// builds the shop with build, says an error of build as a setting error at the
// block's line, and has the shop's Retrier call env.OnRetry before each retry.
func OpenKind[O any, S Shop](block *yaml.Node, env Env, build func(O, Env) (S, error), retrier func(S) *Retrier) (Shop, error) {
	var o O
	if err := Decode(block, &o); err != nil {
		return nil, err
	}
	s, err := build(o, env)
	if err != nil {
		line := 0
		if block != nil {
			line = block.Line
		}
		return nil, &SettingError{Line: line, Msg: err.Error()}
	}
	retrier(s).OnRetry = env.OnRetry
	return s, nil
}
