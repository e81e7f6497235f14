package windows_test

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"io/fs"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPackageFunctionsForwardEveryCallerMethod checks the package's two forms against each other:
// every exported Caller method but Process has a package-level function of the same name and
// signature, whose body is the one call std.Name(args...) (the default process) passing its
// parameters in their order, so x/sys/windows code and multi-process tests see the same API.
func TestPackageFunctionsForwardEveryCallerMethod(t *testing.T) {
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, ".", func(fi fs.FileInfo) bool { return !strings.HasSuffix(fi.Name(), "_test.go") }, 0)
	require.NoError(t, err)
	methods := map[string]*ast.FuncDecl{}
	funcs := map[string]*ast.FuncDecl{}
	for _, f := range pkgs["windows"].Files {
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || !fd.Name.IsExported() {
				continue
			}
			if fd.Recv == nil {
				funcs[fd.Name.Name] = fd
				continue
			}
			if st, ok := fd.Recv.List[0].Type.(*ast.StarExpr); ok && st.X.(*ast.Ident).Name == "Caller" {
				methods[fd.Name.Name] = fd
			}
		}
	}
	require.Greater(t, len(methods), 40)
	sig := func(fd *ast.FuncDecl) string {
		var b bytes.Buffer
		require.NoError(t, printer.Fprint(&b, fset, fd.Type))
		return b.String()
	}
	for name, m := range methods {
		if name == "Process" {
			continue
		}
		f, ok := funcs[name]
		if !assert.True(t, ok, "no package-level %s", name) {
			continue
		}
		assert.Equal(t, sig(m), sig(f), name)
		require.Len(t, f.Body.List, 1, name)
		var call ast.Expr
		switch s := f.Body.List[0].(type) {
		case *ast.ReturnStmt:
			call = s.Results[0]
		case *ast.ExprStmt:
			call = s.X
		}
		ce, ok := call.(*ast.CallExpr)
		if assert.True(t, ok, "%s forwards with one call", name) {
			var b bytes.Buffer
			require.NoError(t, printer.Fprint(&b, fset, ce.Fun))
			assert.Equal(t, "std."+name, b.String(), name)
			var params, args []string
			for _, fld := range f.Type.Params.List {
				for _, n := range fld.Names {
					params = append(params, n.Name)
				}
			}
			for _, a := range ce.Args {
				id, ok := a.(*ast.Ident)
				if !assert.True(t, ok, "%s passes its parameters as they are", name) {
					break
				}
				args = append(args, id.Name)
			}
			assert.Equal(t, params, args, "%s passes every parameter, in order", name)
		}
	}
}
