// Command pulumi-language-nodejs is a minimal Pulumi language host for Node.js
// (TypeScript or JavaScript) programs. Upstream's host lives in a Go module the
// module proxy does not serve here, so this one implements just what the CLI
// needs for preview/up/destroy/refresh: it starts @pulumi/pulumi's own
// cmd/run script, which connects straight to the engine's resource monitor.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/version"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
)

// The SDK's run script exits with this code when it has already reported the
// error to the user; the CLI is then told to "bail" without adding a message.
const exitAfterUserActionableMessage = 32

var debug = log.New(io.Discard, "[pod-langhost] ", log.Ltime)

func main() {
	// The CLI may pass these logging/tracing flags before the engine address.
	fs := flag.NewFlagSet(os.Args[0], flag.ExitOnError)
	tracing := fs.String("tracing", "", "Zipkin-compatible tracing endpoint, forwarded to the run script")
	fs.Bool("logtostderr", false, "ignored")
	fs.Int("v", 0, "ignored")
	_ = fs.Parse(os.Args[1:])

	// POD_LANGHOST_DEBUG=1 logs every RPC to stderr (which the CLI shows as
	// diagnostics); any other non-empty value is taken as a log file path.
	if v := os.Getenv("POD_LANGHOST_DEBUG"); v == "1" {
		debug.SetOutput(os.Stderr)
	} else if v != "" {
		if f, err := os.OpenFile(v, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644); err == nil {
			debug.SetOutput(f)
		}
	}

	host := &nodeHost{engine: fs.Arg(0), tracing: *tracing}
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Init: func(s *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(s, host)
			return nil
		},
		Options: []grpc.ServerOption{
			grpc.UnaryInterceptor(func(ctx context.Context, req any, i *grpc.UnaryServerInfo, next grpc.UnaryHandler,
			) (any, error) {
				debug.Printf("rpc %s", i.FullMethod)
				return next(ctx, req)
			}),
			grpc.StreamInterceptor(func(srv any, ss grpc.ServerStream, i *grpc.StreamServerInfo, next grpc.StreamHandler,
			) error {
				debug.Printf("rpc %s", i.FullMethod)
				return next(srv, ss)
			}),
		},
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "could not start language host: %v\n", err)
		os.Exit(1)
	}
	// The plugin handshake: the CLI reads the port from our first stdout line.
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		fmt.Fprintf(os.Stderr, "language host stopped: %v\n", err)
		os.Exit(1)
	}
}

type nodeHost struct {
	pulumirpc.UnimplementedLanguageRuntimeServer // Template, Pack, codegen…: Unimplemented

	tracing string

	mu      sync.Mutex
	engine  string      // engine address: from argv, or from Handshake when attached
	running []*exec.Cmd // node processes to interrupt on Cancel
}

// Handshake is only sent when the CLI attaches to an already running host
// (PULUMI_DEBUG_LANGUAGES); it carries the engine address we would otherwise get on argv.
func (h *nodeHost) Handshake(_ context.Context, req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	h.mu.Lock()
	h.engine = req.GetEngineAddress()
	h.mu.Unlock()
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *nodeHost) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version.Version}, nil
}

// No plugin discovery: the only provider our programs use is the dynamic
// provider (pulumi-resource-pulumi-nodejs), which the CLI finds on PATH.
func (h *nodeHost) GetRequiredPlugins(context.Context, *pulumirpc.GetRequiredPluginsRequest,
) (*pulumirpc.GetRequiredPluginsResponse, error) {
	return &pulumirpc.GetRequiredPluginsResponse{}, nil
}

func (h *nodeHost) GetRequiredPackages(context.Context, *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	return &pulumirpc.GetRequiredPackagesResponse{}, nil
}

// InstallDependencies does not run npm: the project installs its own dependencies.
func (h *nodeHost) InstallDependencies(req *pulumirpc.InstallDependenciesRequest,
	srv pulumirpc.LanguageRuntime_InstallDependenciesServer,
) error {
	closer, stdout, _, err := rpcutil.MakeInstallDependenciesStreams(srv, req.GetIsTerminal())
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, "pod language host: skipping dependency installation (run npm install yourself)")
	return closer.Close()
}

func (h *nodeHost) RuntimeOptionsPrompts(context.Context, *pulumirpc.RuntimeOptionsRequest,
) (*pulumirpc.RuntimeOptionsResponse, error) {
	return &pulumirpc.RuntimeOptionsResponse{}, nil
}

// About feeds `pulumi about` and the update metadata (runtime.version).
func (h *nodeHost) About(ctx context.Context, _ *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, fmt.Errorf("could not find node on the $PATH: %w", err)
	}
	out, err := exec.CommandContext(ctx, node, "--version").Output()
	if err != nil {
		return nil, fmt.Errorf("node --version: %w", err)
	}
	return &pulumirpc.AboutResponse{
		Executable: node,
		Version:    strings.TrimPrefix(strings.TrimSpace(string(out)), "v"),
	}, nil
}

// GetProgramDependencies lists package.json's direct dependencies, with the
// installed version when node_modules has it (used by `pulumi about`).
func (h *nodeHost) GetProgramDependencies(_ context.Context, req *pulumirpc.GetProgramDependenciesRequest,
) (*pulumirpc.GetProgramDependenciesResponse, error) {
	type pkgJSON struct {
		Version         string            `json:"version"`
		Dependencies    map[string]string `json:"dependencies"`
		DevDependencies map[string]string `json:"devDependencies"`
	}
	read := func(path string) (p pkgJSON, err error) {
		b, err := os.ReadFile(path)
		if err == nil {
			err = json.Unmarshal(b, &p)
		}
		return p, err
	}
	dir := req.GetInfo().GetProgramDirectory()
	root, err := read(filepath.Join(dir, "package.json"))
	if err != nil {
		return nil, err
	}
	resp := &pulumirpc.GetProgramDependenciesResponse{}
	for _, deps := range []map[string]string{root.Dependencies, root.DevDependencies} {
		for name, want := range deps {
			if p, err := read(filepath.Join(dir, "node_modules", name, "package.json")); err == nil {
				want = p.Version
			}
			resp.Dependencies = append(resp.Dependencies, &pulumirpc.DependencyInfo{Name: name, Version: want})
		}
	}
	return resp, nil
}

// Cancel interrupts running programs; the CLI also sends it before shutting us down.
func (h *nodeHost) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, c := range h.running {
		_ = c.Process.Signal(os.Interrupt)
	}
	return &emptypb.Empty{}, nil
}

// Run executes the program with the SDK's cmd/run script. Launch problems and
// program failures are returned in RunResponse.Error (not as RPC errors) so
// the CLI reports them as ordinary deployment errors.
func (h *nodeHost) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	info := req.GetInfo()
	dir, entry := info.GetProgramDirectory(), info.GetEntryPoint()
	if dir == "" {
		dir = req.GetPwd()
	}
	if entry == "" {
		entry = "." // the run script then honours package.json "main"/"exports"
	}

	node, err := exec.LookPath("node")
	if err != nil {
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("could not find node on the $PATH: %v", err)}, nil
	}
	runPath := os.Getenv("PULUMI_LANGUAGE_NODEJS_RUN_PATH")
	if runPath == "" {
		// Let node resolve it from the program directory, so hoisted and
		// workspace layouts of node_modules work like they do for the program.
		script := exec.CommandContext(ctx, node, "-e", "console.log(require.resolve('@pulumi/pulumi/cmd/run'))")
		script.Dir = dir
		out, err := script.Output()
		if err != nil {
			return &pulumirpc.RunResponse{Error: "could not find @pulumi/pulumi/cmd/run from " + dir +
				"; have you run npm install?"}, nil
		}
		runPath = strings.TrimSpace(string(out))
	}

	// Runtime options from Pulumi.yaml; TypeScript (via ts-node in the run script) is on by default.
	opts := info.GetOptions().AsMap()
	env := os.Environ()
	if ts, ok := opts["typescript"]; !ok || ts == true || ts == "true" {
		env = append(env, "PULUMI_NODEJS_TYPESCRIPT=true")
	}
	if p, _ := opts["tsconfig"].(string); p != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+p)
	}
	// Config travels as JSON in the environment; the SDK accepts "ns:key" keys
	// as-is. It must be an object (and the secret keys an array), never null.
	config := map[string]string{}
	maps.Copy(config, req.GetConfig())
	cfg, err := json.Marshal(config)
	if err != nil {
		return nil, err
	}
	secretKeys, err := json.Marshal(append([]string{}, req.GetConfigSecretKeys()...))
	if err != nil {
		return nil, err
	}
	env = append(env, "PULUMI_CONFIG="+string(cfg), "PULUMI_CONFIG_SECRET_KEYS="+string(secretKeys))

	h.mu.Lock()
	engine := h.engine
	h.mu.Unlock()
	nodeArgs, _ := opts["nodeargs"].(string)
	args := append(strings.Fields(nodeArgs), runPath)
	flagIf := func(name, value string) {
		if value != "" {
			args = append(args, "--"+name, value)
		}
	}
	flagIf("monitor", req.GetMonitorAddress())
	flagIf("engine", engine)
	flagIf("organization", req.GetOrganization())
	flagIf("project", req.GetProject())
	flagIf("root-directory", info.GetRootDirectory())
	flagIf("stack", req.GetStack())
	flagIf("pwd", dir)
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	flagIf("parallel", strconv.Itoa(int(req.GetParallel())))
	flagIf("tracing", h.tracing)
	args = append(append(args, entry), req.GetArgs()...)
	debug.Printf("exec %s %s (in %s)", node, strings.Join(args, " "), dir)

	cmd := exec.CommandContext(ctx, node, args...)
	cmd.Dir, cmd.Env = dir, env
	// Wrapping our stdio in a plain io.Writer makes exec copy through a pipe, so
	// node cannot switch our own descriptors to non-blocking mode.
	cmd.Stdout, cmd.Stderr = struct{ io.Writer }{os.Stdout}, struct{ io.Writer }{os.Stderr}
	// If the CLI goes away mid-run, let node shut down gracefully first.
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 5 * time.Second

	if err := cmd.Start(); err != nil {
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("could not run node: %v", err)}, nil
	}
	h.track(cmd, true)
	err = cmd.Wait()
	h.track(cmd, false)

	var exitErr *exec.ExitError
	switch {
	case err == nil:
		return &pulumirpc.RunResponse{}, nil
	case errors.As(err, &exitErr) && exitErr.ExitCode() == exitAfterUserActionableMessage:
		return &pulumirpc.RunResponse{Bail: true}, nil
	case errors.As(err, &exitErr) && exitErr.ExitCode() > 0:
		return &pulumirpc.RunResponse{
			Error: fmt.Sprintf("Program exited with non-zero exit code: %d", exitErr.ExitCode()),
		}, nil
	}
	// Killed by a signal, or waiting failed.
	return &pulumirpc.RunResponse{Error: fmt.Sprintf("Program exited unexpectedly: %v", err)}, nil
}

// track records (or forgets) a running node process for Cancel.
func (h *nodeHost) track(cmd *exec.Cmd, add bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.running = slices.DeleteFunc(h.running, func(c *exec.Cmd) bool { return c == cmd })
	if add {
		h.running = append(h.running, cmd)
	}
}
