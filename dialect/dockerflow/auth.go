package dockerflow

import (
	"fmt"
	"strings"

	"github.com/compose2haproxy/compose2haproxy/model"
)

// dockerFlowAuth reads com.df.users and com.df.usersSecret as
// docker-flow-proxy did: the users of the label, each with its hash or,
// without one, the hash the secret gives it; without the label, every user
// of the secret. The secret is dfp_users_NAME (docker-flow-proxy's name) or
// NAME. Hashes are required: com.df.usersPassEncrypted=true says they are.
func dockerFlowAuth(cx context) *model.Auth {
	l, secrets, ds := cx.l, cx.secrets, cx.ds
	raw, usersSrc, hasUsers := l.Get("com.df.users")
	secName, secSrc, hasSecret := l.Get("com.df.usersSecret")
	src := usersSrc
	if !hasUsers {
		src = secSrc
	}
	v, encSrc, set := l.Get("com.df.usersPassEncrypted")
	if encrypted, _ := parseFlag(v); !encrypted {
		// docker-flow-proxy would have taken the passwords as plaintext.
		if !set {
			encSrc = src
		}
		ds.Errorf(encSrc, model.HashFix+", write user:HASH and set com.df.usersPassEncrypted=true",
			"plaintext passwords are refused: com.df.users and com.df.usersSecret must hold crypt(3) hashes")
		return nil
	}
	auth := &model.Auth{Source: src}
	var fromSecret map[string]model.User
	if hasSecret {
		name, prob := model.SecretName.Check(strings.TrimSpace(secName))
		if prob != "" {
			ds.Errorf(secSrc, model.SecretName.Fix, "secret name %s", prob)
			return nil
		}
		sec := secrets["dfp_users_"+name]
		if sec == nil {
			sec = secrets[name]
		}
		if sec == nil {
			ds.Errorf(secSrc, fmt.Sprintf("declare dfp_users_%s (or %s) under the top-level secrets: key", name, name),
				"there is no compose secret dfp_users_%s or %s", name, name)
			return nil
		}
		users := model.SecretUsers(sec, secSrc, ds)
		if users == nil {
			return nil
		}
		auth.Secret = sec.Name
		fromSecret = map[string]model.User{}
		for _, u := range users {
			fromSecret[u.Name] = u
		}
		if !hasUsers {
			auth.Users = users
			model.WarnSlowHashes(auth, "secret "+sec.Name, ds)
			return auth
		}
	}
	entries := model.SplitUsers(raw, "entry")
	var listed []model.UserEntry
	for _, e := range entries {
		if e.Colon || fromSecret == nil {
			listed = append(listed, e)
			continue
		}
		u, ok := fromSecret[e.Name]
		if !ok {
			ds.Errorf(usersSrc, "give the user a hash (user:HASH) or add it to the secret", "com.df.users, %s: has no hash, and secret %s does not list that user", e.Pos, auth.Secret)
			return nil
		}
		listed = append(listed, model.UserEntry{Name: u.Name, Hash: u.Hash, Colon: true, Pos: e.Pos})
	}
	auth.Users = model.CheckUsers(listed, "com.df.users", usersSrc, ds)
	if auth.Users == nil {
		return nil
	}
	model.WarnSlowHashes(auth, "com.df.users", ds)
	return auth
}
