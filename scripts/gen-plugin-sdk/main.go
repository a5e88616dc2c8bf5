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
	"regexp"
	"strings"

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
		files, err := nodejs.GeneratePackage(tool, pkg, nil, nil, false, noReferences{})
		if err != nil {
			return nil, err
		}
		return files, registerWithoutPromiseStacks(files)
	case "python":
		return python.GeneratePackage(tool, pkg, nil, noReferences{})
	case "go":
		return gogen.GeneratePackage(tool, pkg, nil)
	}
	return nil, fmt.Errorf("unknown language (nodejs, python, go)")
}

// The generated constructors' one registration call, e.g. `super(PodVm.__pulumiType, name, resourceInputs, opts);`.
var superCall = regexp.MustCompile(`(?m)^( +)(super\(\w+\.__pulumiType, name, resourceInputs, opts\);)$`)

// Pulumi's Node SDK records a stack trace on every property promise a resource registers, only to
// print it if the promise leaks; under ts-node each costs about 0.5 ms (sdk/src/promise-stacks.ts has
// the measurement). The dynamic SDK's classes register without them, and so do these: each
// constructor's super call is wrapped, and utilities.ts gets the helper. A generator whose output no
// longer has the expected call fails here rather than leaving a class unwrapped.
func registerWithoutPromiseStacks(files map[string][]byte) error {
	wrapped := 0
	for name, data := range files {
		if !strings.HasSuffix(name, ".ts") || !superCall.Match(data) {
			continue
		}
		files[name] = superCall.ReplaceAll(data, []byte(
			"${1}const restoreStacks = utilities.withoutPromiseStacks();\n"+
				"${1}try {\n${1}    ${2}\n${1}} finally {\n${1}    restoreStacks();\n${1}}"))
		wrapped++
	}
	utilities, ok := files["utilities.ts"]
	if wrapped == 0 || !ok {
		return fmt.Errorf("nodejs: no resource constructor or utilities.ts to wrap: has Pulumi's generator changed?")
	}
	files["utilities.ts"] = append(utilities, []byte(promiseStacksHelper)...)
	return nil
}

const promiseStacksHelper = `
/**
 * Turns V8's stack capture off while a resource registers its properties (pod's
 * scripts/gen-plugin-sdk/main.go says why).
 * @internal
 */
export function withoutPromiseStacks(): () => void {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    return () => {
        Error.stackTraceLimit = limit;
    };
}
`

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
