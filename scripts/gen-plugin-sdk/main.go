// Command gen-plugin-sdk generates pod's plugin SDKs from schema.json with
// Pulumi's own code generators (github.com/pulumi/pulumi/pkg/v3/codegen, at
// the lab CLI's version). The lab's CLI cannot do it: `pulumi package gen-sdk`
// asks a language host, and the lab's Node host is a minimal one that does not
// implement GeneratePackage, while the Python and Go hosts are not served by
// the module proxy here.
//
// Usage: gen-plugin-sdk <schema.json> <out-dir> <language>...   (nodejs, python, go)
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/blang/semver"
	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	"github.com/pulumi/pulumi/pkg/v3/codegen/nodejs"
	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

const tool = "pod gen-plugin-sdk"

func main() {
	if len(os.Args) < 4 {
		fail(fmt.Errorf("usage: gen-plugin-sdk <schema.json> <out-dir> <language>..."))
	}
	for _, lang := range os.Args[3:] {
		// Each generator decodes its own language section into the package: bind afresh per language.
		pkg, err := load(os.Args[1])
		if err != nil {
			fail(err)
		}
		files, err := generate(pkg, lang)
		if err != nil {
			fail(fmt.Errorf("%s: %w", lang, err))
		}
		if err := write(filepath.Join(os.Args[2], lang), files); err != nil {
			fail(err)
		}
	}
}

func load(path string) (*schema.Package, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(data, &spec); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return schema.ImportSpec(spec, nil, noReferences{}, schema.ValidationOptions{})
}

// noReferences is the loader for a schema that names no other package: pod's references only its own types.
type noReferences struct{}

func (noReferences) LoadPackage(pkg string, _ *semver.Version) (*schema.Package, error) {
	return nil, fmt.Errorf("schema.json references package %q; pod's schema must be self-contained", pkg)
}

func (l noReferences) LoadPackageV2(_ context.Context, d *schema.PackageDescriptor) (*schema.Package, error) {
	return l.LoadPackage(d.Name, nil)
}

func (l noReferences) LoadPackageReference(pkg string, _ *semver.Version) (schema.PackageReference, error) {
	return nil, fmt.Errorf("schema.json references package %q; pod's schema must be self-contained", pkg)
}

func (l noReferences) LoadPackageReferenceV2(_ context.Context, d *schema.PackageDescriptor) (schema.PackageReference, error) {
	return l.LoadPackageReference(d.Name, nil)
}

func generate(pkg *schema.Package, lang string) (map[string][]byte, error) {
	switch lang {
	case "nodejs":
		return nodejs.GeneratePackage(tool, pkg, nil, nil, false, noReferences{})
	case "python":
		return python.GeneratePackage(tool, pkg, nil, noReferences{})
	case "go":
		return gogen.GeneratePackage(tool, pkg, nil)
	}
	return nil, fmt.Errorf("unknown language (nodejs, python, go)")
}

func write(dir string, files map[string][]byte) error {
	for name, data := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "gen-plugin-sdk:", err)
	os.Exit(1)
}
