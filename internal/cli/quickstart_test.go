package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// quickStart is one "## Quick start" section of the README: a compose
// file, the command run on it (when the text names one), and lines of the
// config it writes.
var (
	yamlBlock    = regexp.MustCompile("(?ms)^```yaml\n(.*?)^```\n")
	configBlock  = regexp.MustCompile("(?ms)^```\n(.*?)^```\n")
	quickCommand = regexp.MustCompile("`compose2haproxy([^`]*)`")
)

// Each quick start of the README does what it says: its compose file,
// with its command, writes a config holding every line it shows.
func TestReadmeQuickStartsWriteWhatTheyShow(t *testing.T) {
	page, err := os.ReadFile(readmePage)
	if err != nil {
		t.Fatal(err)
	}
	var sections []string
	for _, s := range strings.Split(string(page), "\n## ") {
		if strings.HasPrefix(s, "Quick start: ") {
			sections = append(sections, s)
		}
	}
	if len(sections) < 4 {
		t.Fatalf("%d quick starts in the README, want one a dialect (4)", len(sections))
	}
	for _, sec := range sections {
		title, body, _ := strings.Cut(sec, "\n")
		t.Run(strings.TrimPrefix(title, "Quick start: "), func(t *testing.T) {
			y, end := yamlBlock.FindStringSubmatch(body), yamlBlock.FindStringIndex(body)
			var c []string
			if y != nil {
				c = configBlock.FindStringSubmatch(body[end[1]:])
			}
			if y == nil || c == nil {
				t.Fatalf("no compose file or no config in the section")
			}
			dir := t.TempDir()
			var args []string
			if m := quickCommand.FindStringSubmatch(body); m != nil {
				args = strings.Fields(m[1])
			}
			file := "compose.yaml"
			for i, a := range args {
				if a == "-f" && i+1 < len(args) {
					file, args[i+1] = args[i+1], filepath.Join(dir, args[i+1])
				}
			}
			writeFile(t, filepath.Join(dir, file), y[1])
			code, out, stderr := cli(t, "", append([]string{"--project-directory", dir}, args...)...)
			if code != 0 {
				t.Fatalf("compose2haproxy %s: exit %d: %s", strings.Join(args, " "), code, stderr)
			}
			have := map[string]bool{}
			for _, l := range strings.Split(out, "\n") {
				have[strings.TrimRight(l, " ")] = true
			}
			for _, l := range strings.Split(strings.TrimRight(c[1], "\n"), "\n") {
				if !have[l] {
					t.Errorf("the README shows %q, which the config does not hold", l)
				}
			}
		})
	}
}
