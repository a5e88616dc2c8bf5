// Command dump prints VMware's vim25 schema as JSON, read from govmomi's
// generated Go sources (vim25/types, vim25/methods, vim25/mo). govmomi
// generates those files from VMware's WSDL, so they are a machine-readable
// copy of the schema that the lab already downloads. Only the standard
// library's Go parser is used: nothing of govmomi is compiled, so this runs
// with `go run dump.go <govmomi dir>` outside any module.
//
// Output: {"types": {...}, "enums": {...}, "methods": {...}, "managedObjects": {...}}
// scripts/gen-vim25.ts turns it into TypeScript.
package main

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

type field struct {
	Name     string `json:"name"`
	Type     string `json:"type"`
	Array    bool   `json:"array,omitempty"`
	Optional bool   `json:"optional,omitempty"`
}

type dataType struct {
	Base   string  `json:"base,omitempty"`
	Fields []field `json:"fields"`
}

type method struct {
	Params  []field `json:"params"`
	Returns *field  `json:"returns,omitempty"`
}

type managedObject struct {
	Base  string  `json:"base,omitempty"`
	Props []field `json:"props"`
}

type schema struct {
	Types          map[string]dataType      `json:"types"`
	Enums          map[string][]string      `json:"enums"`
	Methods        map[string]method        `json:"methods"`
	ManagedObjects map[string]managedObject `json:"managedObjects"`
}

// pkg holds one parsed Go package: its type declarations and the names its
// init functions register (t["Name"] = reflect.TypeOf((*Go)(nil)).Elem()).
type pkg struct {
	decls      map[string]ast.Expr
	registered map[string]string // vim25 name -> Go type name
	consts     []*ast.ValueSpec
}

func parseDir(dir string) *pkg {
	p := &pkg{decls: map[string]ast.Expr{}, registered: map[string]string{}}
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	check(err)
	sort.Strings(files)
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, 0)
		check(err)
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.GenDecl:
				for _, s := range d.Specs {
					switch s := s.(type) {
					case *ast.TypeSpec:
						p.decls[s.Name.Name] = s.Type
					case *ast.ValueSpec:
						if d.Tok == token.CONST {
							p.consts = append(p.consts, s)
						}
					}
				}
			case *ast.FuncDecl:
				if d.Name.Name == "init" && d.Recv == nil && d.Body != nil {
					p.collectRegistrations(d.Body)
				}
			}
		}
	}
	return p
}

// collectRegistrations reads `t["Name"] = reflect.TypeOf((*GoType)(nil)).Elem()`.
func (p *pkg) collectRegistrations(body *ast.BlockStmt) {
	for _, stmt := range body.List {
		assign, ok := stmt.(*ast.AssignStmt)
		if !ok || len(assign.Lhs) != 1 || len(assign.Rhs) != 1 {
			continue
		}
		index, ok := assign.Lhs[0].(*ast.IndexExpr)
		if !ok {
			continue
		}
		key, ok := index.Index.(*ast.BasicLit)
		if !ok || key.Kind != token.STRING {
			continue
		}
		name, _ := strconv.Unquote(key.Value)
		var goType string
		ast.Inspect(assign.Rhs[0], func(n ast.Node) bool {
			if star, ok := n.(*ast.StarExpr); ok {
				if id, ok := star.X.(*ast.Ident); ok && goType == "" {
					goType = id.Name
				}
			}
			return true
		})
		if goType != "" {
			p.registered[name] = goType
		}
	}
}

// resolver maps Go type expressions of package types to vim25 type names.
type resolver struct {
	types   *pkg
	goToVim map[string]string
}

var primitives = map[string]string{
	"string": "string", "bool": "boolean", "int8": "byte", "int16": "short", "int32": "int", "int64": "long",
	"uint8": "unsignedByte", "float32": "float", "float64": "double", "AnyType": "anyType",
}

// resolve returns the vim25 type of a field's Go type, whether it repeats,
// and whether it may be absent (a pointer).
func (r *resolver) resolve(expr ast.Expr) (string, bool, bool) {
	switch e := expr.(type) {
	case *ast.StarExpr:
		name, array, _ := r.resolve(e.X)
		return name, array, true
	case *ast.ArrayType:
		if id, ok := e.Elt.(*ast.Ident); ok && id.Name == "byte" {
			return "base64Binary", false, false
		}
		name, _, _ := r.resolve(e.Elt)
		return name, true, false
	case *ast.SelectorExpr:
		if x, ok := e.X.(*ast.Ident); ok && x.Name == "time" && e.Sel.Name == "Time" {
			return "dateTime", false, false
		}
		if x, ok := e.X.(*ast.Ident); ok && x.Name == "types" {
			return r.resolve(e.Sel)
		}
	case *ast.Ident:
		if vim, ok := primitives[e.Name]; ok {
			return vim, false, false
		}
		if e.Name == "ByteSlice" {
			return "byte", true, false
		}
		if strings.HasPrefix(e.Name, "Base") {
			if _, isIface := r.types.decls[e.Name].(*ast.InterfaceType); isIface {
				return r.vimName(strings.TrimPrefix(e.Name, "Base")), false, false
			}
		}
		return r.vimName(e.Name), false, false
	}
	panic(fmt.Sprintf("unsupported Go type %T %v", expr, expr))
}

func (r *resolver) vimName(goName string) string {
	if vim, ok := r.goToVim[goName]; ok {
		return vim
	}
	return goName
}

// fields reads a struct: the first embedded type is the XSD base, named
// fields with an xml tag are elements in sequence order.
func (r *resolver) fields(st *ast.StructType) (string, []field) {
	base := ""
	out := []field{}
	for _, f := range st.Fields.List {
		if len(f.Names) == 0 {
			base, _, _ = r.resolve(f.Type)
			continue
		}
		tag := ""
		if f.Tag != nil && f.Names[0].Name != "XMLName" {
			raw, _ := strconv.Unquote(f.Tag.Value)
			tag = reflect.StructTag(raw).Get("xml")
		}
		parts := strings.Split(tag, ",")
		if tag == "" || tag == "-" || parts[0] == "" || contains(parts, "attr") || contains(parts, "chardata") {
			continue
		}
		name, array, pointer := r.resolve(f.Type)
		out = append(out, field{Name: parts[0], Type: name, Array: array, Optional: pointer || contains(parts, "omitempty")})
	}
	return base, out
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: go run dump.go <govmomi module dir>")
		os.Exit(2)
	}
	root := os.Args[1]
	types := parseDir(filepath.Join(root, "vim25", "types"))
	r := &resolver{types: types, goToVim: map[string]string{}}
	for vim, goName := range types.registered {
		if !strings.HasPrefix(vim, "Base") && vim == goName {
			r.goToVim[goName] = vim
		}
	}
	out := schema{
		Types:          map[string]dataType{},
		Enums:          map[string][]string{},
		Methods:        map[string]method{},
		ManagedObjects: map[string]managedObject{},
	}

	for vim, goName := range types.registered {
		if vim != goName {
			continue // lower-case enum aliases, Base* interfaces, renamed events
		}
		switch d := types.decls[goName].(type) {
		case *ast.StructType:
			base, fields := r.fields(d)
			out.Types[vim] = dataType{Base: base, Fields: fields}
		case *ast.Ident:
			if d.Name == "string" {
				out.Enums[vim] = []string{}
			}
		}
	}
	collectEnumValues(types, out.Enums)

	methods := parseDir(filepath.Join(root, "vim25", "methods"))
	for name, decl := range methods.decls {
		if !strings.HasSuffix(name, "Body") {
			continue
		}
		vimName := strings.TrimSuffix(name, "Body")
		if _, ok := decl.(*ast.StructType); !ok {
			continue
		}
		request, ok := types.decls[vimName].(*ast.Ident) // type X XRequestType
		if !ok {
			continue
		}
		reqStruct, ok := types.decls[request.Name].(*ast.StructType)
		if !ok {
			continue
		}
		_, params := r.fields(reqStruct)
		m := method{Params: params}
		if res, ok := types.decls[vimName+"Response"].(*ast.StructType); ok {
			if _, fields := r.fields(res); len(fields) == 1 {
				m.Returns = &fields[0]
			}
		}
		out.Methods[vimName] = m
	}

	mos := parseDir(filepath.Join(root, "vim25", "mo"))
	for vim, goName := range mos.registered {
		st, ok := mos.decls[goName].(*ast.StructType)
		if !ok || vim != goName {
			continue
		}
		mo := managedObject{Props: []field{}}
		for _, f := range st.Fields.List {
			if len(f.Names) == 0 {
				if id, ok := f.Type.(*ast.Ident); ok {
					mo.Base = id.Name
				}
				continue
			}
			tag := ""
			if f.Tag != nil {
				raw, _ := strconv.Unquote(f.Tag.Value)
				tag = strings.Split(reflect.StructTag(raw).Get("json"), ",")[0]
			}
			if tag == "" || tag == "-" || tag == "self" {
				continue
			}
			name, array, pointer := r.resolve(f.Type)
			mo.Props = append(mo.Props, field{Name: tag, Type: name, Array: array, Optional: pointer})
		}
		out.ManagedObjects[vim] = mo
	}

	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", " ")
	check(enc.Encode(out))
}

// collectEnumValues reads `X = Enum("value")` constants, in source order.
func collectEnumValues(p *pkg, enums map[string][]string) {
	for _, spec := range p.consts {
		for _, value := range spec.Values {
			call, ok := value.(*ast.CallExpr)
			if !ok || len(call.Args) != 1 {
				continue
			}
			fn, ok := call.Fun.(*ast.Ident)
			lit, isLit := call.Args[0].(*ast.BasicLit)
			if !ok || !isLit || lit.Kind != token.STRING {
				continue
			}
			if values, known := enums[fn.Name]; known {
				text, _ := strconv.Unquote(lit.Value)
				enums[fn.Name] = append(values, text)
			}
		}
	}
}

func contains(list []string, item string) bool {
	for _, s := range list {
		if s == item {
			return true
		}
	}
	return false
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
