// Package spelling measures how far a misspelt name is from the names it
// may have meant, for the "did you mean" of every message: the model's
// tags and options, and each dialect's keys, measure alike.
package spelling

// maxName bounds the names compared: a long name is close to nothing, and
// the cost of a comparison is the product of the two lengths.
const maxName = 64

// Distance is the Levenshtein distance of a and b (insertions, deletions
// and substitutions of one byte), or a large number when either is longer
// than any name a person misspells.
func Distance(a, b string) int {
	if len(a) > maxName || len(b) > maxName {
		return 1 << 30
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
