package config

import (
	"strconv"
	"strings"
)

// tomlLines finds the line of each key of a TOML file, by the dotted path
// the decoder gives it (an array of tables' items as "[n]"), for messages:
// BurntSushi/toml keeps positions to itself. The file has already been
// decoded, so this scan only has to be right for valid TOML; a key it
// cannot place has no line. Multi-line strings and arrays are skipped.
func tomlLines(data string) map[string]int {
	out := map[string]int{}
	set := func(path []string, line int) {
		for i := 1; i <= len(path); i++ { // a section's first key places it too
			if k := strings.Join(path[:i], "."); out[k] == 0 {
				out[k] = line
			}
		}
	}
	var table []string
	items := map[string]int{} // array of tables → items so far
	closer, depth := "", 0    // inside a multi-line string; a multi-line array's nesting
	for i, line := range strings.Split(data, "\n") {
		n := i + 1
		t := strings.TrimSpace(line)
		switch {
		case closer != "":
			if strings.Contains(t, closer) {
				closer = ""
			}
			continue
		case depth > 0:
			depth += brackets(t)
			continue
		case t == "" || t[0] == '#':
			continue
		case strings.HasPrefix(t, "[["):
			parts, ok := tomlKey(strings.TrimSpace(t[2:strings.Index(t+"]]", "]]")]))
			if !ok {
				continue
			}
			k := strings.Join(parts, ".")
			table = append(parts, "["+strconv.Itoa(items[k])+"]")
			items[k]++
			set(table, n)
			continue
		case t[0] == '[':
			parts, ok := tomlKey(strings.TrimSpace(t[1:strings.Index(t+"]", "]")]))
			if !ok {
				continue
			}
			table = parts
			set(table, n)
			continue
		}
		eq := keyEnd(t)
		if eq < 0 {
			continue
		}
		parts, ok := tomlKey(strings.TrimSpace(t[:eq]))
		if !ok {
			continue
		}
		set(append(append([]string(nil), table...), parts...), n)
		v := strings.TrimSpace(t[eq+1:])
		for _, q := range []string{`"""`, `'''`} {
			if strings.HasPrefix(v, q) && !strings.Contains(v[3:], q) {
				closer = q
			}
		}
		if strings.HasPrefix(v, "[") {
			depth = max(brackets(v), 0)
		}
	}
	return out
}

// keyEnd is the index of the '=' after a key, outside quotes; -1: none.
func keyEnd(t string) int {
	quote := byte(0)
	for i := 0; i < len(t); i++ {
		switch c := t[i]; {
		case quote != 0 && c == quote:
			quote = 0
		case quote != 0:
		case c == '"' || c == '\'':
			quote = c
		case c == '=':
			return i
		}
	}
	return -1
}

// tomlKey splits a dotted key, unquoting its parts.
func tomlKey(k string) ([]string, bool) {
	var parts []string
	for k != "" {
		var p string
		switch k[0] {
		case '"', '\'':
			j := strings.IndexByte(k[1:], k[0])
			if j < 0 {
				return nil, false
			}
			p, k = k[1:j+1], k[j+2:]
		default:
			j := strings.IndexByte(k, '.')
			if j < 0 {
				j = len(k)
			}
			p, k = strings.TrimSpace(k[:j]), k[j:]
		}
		parts = append(parts, p)
		k = strings.TrimSpace(k)
		if strings.HasPrefix(k, ".") {
			k = strings.TrimSpace(k[1:])
		} else if k != "" {
			return nil, false
		}
	}
	return parts, len(parts) > 0
}

// brackets is the nesting an array's line opens, outside strings.
func brackets(t string) int {
	n, quote := 0, byte(0)
	for i := 0; i < len(t); i++ {
		switch c := t[i]; {
		case quote != 0 && c == '\\' && quote == '"':
			i++
		case quote != 0 && c == quote:
			quote = 0
		case quote != 0:
		case c == '"' || c == '\'':
			quote = c
		case c == '#':
			return n
		case c == '[':
			n++
		case c == ']':
			n--
		}
	}
	return n
}
