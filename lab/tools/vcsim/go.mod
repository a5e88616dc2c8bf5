// Wrapper module for the lab's vSphere simulator. Since govmomi v0.47 the
// upstream vcsim main is a nested module that the module proxy does not serve,
// so the lab builds this small main against govmomi's simulator package.
module pod.local/lab/tools/vcsim

go 1.25.0

require github.com/vmware/govmomi v0.56.0

require (
	github.com/google/uuid v1.6.0 // indirect
	gopkg.in/yaml.v3 v3.0.1 // indirect
)
