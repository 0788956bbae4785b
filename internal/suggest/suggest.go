// Package suggest finds the nearest of a set of names to a mistyped one,
// for "did you mean" hints.
package suggest

import "strings"

// Nearest returns the candidate closest to word by edit distance, when it
// is close enough to be a likely typo: at most a third of the word's
// length, and at least one edit, apart. Case differences count as half an
// edit. ok is false when no candidate is that close.
func Nearest(word string, candidates []string) (best string, ok bool) {
	limit := max(2, 2*len(word)/3) // in half edits
	bestDist := limit + 1
	for _, c := range candidates {
		if c == word {
			continue
		}
		if d := distance(word, c); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best, bestDist <= limit
}

// distance is the edit distance (insertions, deletions, substitutions and
// swaps of two neighbours) in half edits: substituting a letter by itself
// in the other case costs 1, any other edit 2.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = 2 * i
	}
	for j := range d[0] {
		d[0][j] = 2 * j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			sub := 2
			switch {
			case ra[i-1] == rb[j-1]:
				sub = 0
			case strings.EqualFold(string(ra[i-1]), string(rb[j-1])):
				sub = 1
			}
			d[i][j] = min(d[i-1][j]+2, d[i][j-1]+2, d[i-1][j-1]+sub)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+2)
			}
		}
	}
	return d[len(ra)][len(rb)]
}
