package traefik

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/compose2haproxy/compose2haproxy/model"
)

// hostIndex finds exactly the later items whose hosts meet an item's, as
// comparing every pair with hostsMeet would.
func TestHostIndexFindsTheHostsThatMeet(t *testing.T) {
	names := []string{"a.example.com", "b.example.com", "example.com", "*.example.com", "*.b.example.com", "x.b.example.com", "*.com", "a.example.org", "*.example.org"}
	r := rand.New(rand.NewPCG(1, 2))
	for round := range 200 {
		items := make([][]model.Host, 2+r.IntN(30))
		for i := range items {
			for range r.IntN(3) { // none: any host
				items[i] = append(items[i], model.Host{Name: names[r.IntN(len(names))]})
			}
		}
		meeting := hostIndex(items, func(hs []model.Host) []model.Host { return hs })
		for x := range items {
			var want []int
			for y := x + 1; y < len(items); y++ {
				if hostsMeet(items[x], items[y]) {
					want = append(want, y)
				}
			}
			if got := meeting(x); !slices.Equal(got, want) {
				t.Fatalf("round %d, item %d %v: got %v, want %v (items %v)", round, x, items[x], got, want, items)
			}
		}
	}
}
