package vars

import (
	"crypto/sha1"
	"encoding/hex"
)

// sha1Hex is how nginx-proxy names files of regex hosts and of paths.
func sha1Hex(s string) string {
	sum := sha1.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}
