// Command terraform-provider-confluent (stand-in) serves a SCHEMA-ONLY copy of the
// confluentinc/confluent provider's interface for the resource and data-source types
// streamplane uses. It exists because the real provider's Go module cannot be fetched
// through the package registries this project can reach (see ../README.md).
//
// What it is good for: `terraform providers schema -json` (binding generation) and
// `terraform validate` (Terraform core checks names, types, required arguments and
// block counts against this schema). What it cannot do: plan/apply/read anything —
// every CRUD and read call returns an error saying so.
package main

import (
	"github.com/hashicorp/terraform-plugin-sdk/v2/plugin"
)

func main() {
	plugin.Serve(&plugin.ServeOpts{ProviderFunc: Provider})
}
