// Wrapper module: builds the Vault server from the Go module proxy. Upstream's
// go.mod replaces vault/api and vault/sdk with in-tree folders that the module
// download does not contain, so this module requires the published sdk/api
// that v1.21.0's own go.mod names (sdk v0.20.0, api v1.22.0: tagged from the
// same release line, in step with the v1.21.0 tree), and repeats upstream's
// non-local replaces, which are ignored in dependencies.
module pod.local/lab/tools/vault

go 1.26.6

replace github.com/99designs/keyring => github.com/Jeffail/keyring v1.2.3

replace github.com/ma314smith/signedxml v1.1.1 => github.com/moov-io/signedxml v1.1.1

require (
	github.com/hashicorp/vault v1.21.0
	github.com/hashicorp/vault/api v1.22.0
	github.com/hashicorp/vault/sdk v0.20.0
)
