package reliability

import (
	_ "embed"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"text/template"
	"time"
)

// Template is the template of docs/reliability.md: the prose that explains each check,
// and the tables the records fill in.
//
//go:embed template.md
var Template string

// Render executes the template tmpl with page and writes the result to w.
func Render(w io.Writer, tmpl string, page Page) error {
	t, err := template.New("reliability").Option("missingkey=error").Funcs(funcs(page)).Parse(tmpl)
	if err != nil {
		return err
	}
	return t.Execute(w, page)
}

func funcs(page Page) template.FuncMap {
	return template.FuncMap{
		"num":    num,
		"result": result,
		"ok":     OK,
		"dur":    dur,
		// cmd is a command line as code, its | escaped for a table cell.
		"cmd": func(c []string) string { return "`" + strings.ReplaceAll(strings.Join(c, " "), "|", `\|`) + "`" },
		"pct": func(f float64) string { return strconv.FormatFloat(f*100, 'f', -1, 64) + "%" },
		"avg": func(total, n int) string {
			if n == 0 {
				return "—"
			}
			return strconv.FormatFloat(float64(total)/float64(n), 'f', 1, 64)
		},
		"ns":   ns,
		"rate": rate,
		// bench is the result of the benchmark name (without its -GOMAXPROCS suffix), or
		// nil when the run measured none.
		"bench": func(name string) *Bench {
			for _, r := range page.Bench {
				for _, b := range r.Run.Bench {
					if strings.SplitN(b.Name, "-", 2)[0] == name {
						return &b
					}
				}
			}
			return nil
		},
		"largest": func(target string) uint64 {
			for _, h := range page.Largest {
				if h.Target == target {
					return h.Execs
				}
			}
			return 0
		},
	}
}

// num formats a count with thousands separators: 1,234,567.
func num(v any) string {
	var s string
	switch v := v.(type) {
	case int:
		s = strconv.Itoa(v)
	case uint64:
		s = strconv.FormatUint(v, 10)
	default:
		return fmt.Sprint(v)
	}
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// result is a result column: pass, or a bold fail.
func result(pass bool) string {
	if pass {
		return "pass"
	}
	return "**fail**"
}

// dur formats a duration the way the page gives times: 6 ms, 0.7 s, 1 min 32 s.
func dur(d time.Duration) string {
	if d < 100*time.Millisecond {
		return strconv.FormatInt(d.Round(time.Millisecond).Milliseconds(), 10) + " ms"
	}
	if d < time.Minute {
		return strconv.FormatFloat(d.Seconds(), 'f', 1, 64) + " s"
	}
	d = d.Round(time.Second)
	m, s := int(d/time.Minute), int(d%time.Minute/time.Second)
	if m >= 60 {
		return fmt.Sprintf("%d h %d min", m/60, m%60)
	}
	return fmt.Sprintf("%d min %d s", m, s)
}

// ns formats a time per operation: 812 ns, 81 µs, 1.2 ms.
func ns(v float64) string {
	switch {
	case v < 1e3:
		return strconv.FormatFloat(v, 'f', 0, 64) + " ns"
	case v < 1e6:
		return strconv.FormatFloat(v/1e3, 'f', 0, 64) + " µs"
	default:
		return strconv.FormatFloat(v/1e6, 'f', 1, 64) + " ms"
	}
}

// rate is count per second of d, rounded: "1,234".
func rate(count uint64, d time.Duration) string {
	if d <= 0 {
		return "—"
	}
	return num(uint64(math.Round(float64(count) / d.Seconds())))
}
