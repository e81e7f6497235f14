package view

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/winsim/winsim/kernel"
)

// Security writes every live object of m with its owner and DACL in SDDL
// (kernel.ObjectInfo.Security), the way "accesschk -l" or Get-Acl's Sddl show them;
// objects without a descriptor show "-".
func Security(w io.Writer, m *kernel.Machine) {
	c := m.Census()
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "Security of objects on %s:\n", c.Machine)
	fmt.Fprintln(tw, "ID\tTYPE\tNAME\tOWNER AND DACL")
	for _, o := range c.Objects {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\n", o.ID, o.Type, dash(o.Name), dash(o.Security))
	}
	tw.Flush()
}
