package view

import (
	"bytes"
	"context"
	"fmt"
	"io"

	"github.com/goccy/go-graphviz"
)

// An SVGRenderer renders DOT pictures to SVG in-process, with Graphviz compiled to
// WebAssembly (github.com/goccy/go-graphviz): no Graphviz installation is needed.
// Starting one takes a while; reuse it for many pictures. It is not safe for
// concurrent use.
//
// Lifetime: NewSVGRenderer starts it; Close releases it.
type SVGRenderer struct {
	gv *graphviz.Graphviz
}

// NewSVGRenderer starts a renderer.
func NewSVGRenderer(ctx context.Context) (*SVGRenderer, error) {
	gv, err := graphviz.New(ctx)
	if err != nil {
		return nil, fmt.Errorf("view: starting graphviz: %w", err)
	}
	return &SVGRenderer{gv: gv}, nil
}

// Render writes the SVG picture of the DOT source dot to w.
func (r *SVGRenderer) Render(ctx context.Context, w io.Writer, dot []byte) error {
	g, err := graphviz.ParseBytes(dot)
	if err != nil {
		return fmt.Errorf("view: parsing DOT: %w", err)
	}
	defer g.Close()
	var buf bytes.Buffer
	if err := r.gv.Render(ctx, g, graphviz.SVG, &buf); err != nil {
		return fmt.Errorf("view: rendering SVG: %w", err)
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// Close releases the renderer.
func (r *SVGRenderer) Close() error { return r.gv.Close() }

// NetworkSVG renders the picture NetworkDot draws as SVG.
func NetworkSVG(ctx context.Context, w io.Writer, nc *NetworkCensus) error {
	r, err := NewSVGRenderer(ctx)
	if err != nil {
		return err
	}
	defer r.Close()
	var dot bytes.Buffer
	NetworkDot(&dot, nc)
	return r.Render(ctx, w, dot.Bytes())
}
