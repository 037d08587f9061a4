package main

import (
	"context"
	"sort"

	"github.com/hashicorp/terraform-plugin-sdk/v2/diag"
	"github.com/hashicorp/terraform-plugin-sdk/v2/helper/schema"
)

const standInError = "this is streamplane's schema-only stand-in for the confluentinc/confluent provider " +
	"(scripts/providers/confluent-standin): it supports `terraform validate` only; install the real provider to plan or apply"

// Provider returns the stand-in provider: provider configuration plus the resource and
// data-source schemas in schemas.go. Only schemas are real; all operations fail.
func Provider() *schema.Provider {
	p := &schema.Provider{
		Schema:         providerSchema(),
		ResourcesMap:   map[string]*schema.Resource{},
		DataSourcesMap: map[string]*schema.Resource{},
		ConfigureContextFunc: func(context.Context, *schema.ResourceData) (interface{}, diag.Diagnostics) {
			return nil, nil
		},
	}
	for name, r := range resources() {
		r.CreateContext = failCRUD
		r.ReadContext = failCRUD
		r.DeleteContext = failCRUD
		if hasUpdatable(r.Schema) {
			r.UpdateContext = failCRUD
		}
		r.Importer = &schema.ResourceImporter{StateContext: failImport}
		p.ResourcesMap[name] = r
	}
	for name, r := range dataSources() {
		r.ReadContext = failCRUD
		p.DataSourcesMap[name] = r
	}
	return p
}

func failCRUD(context.Context, *schema.ResourceData, interface{}) diag.Diagnostics {
	return diag.Errorf("%s", standInError)
}

func failImport(context.Context, *schema.ResourceData, interface{}) ([]*schema.ResourceData, error) {
	return nil, &standInErr{}
}

type standInErr struct{}

func (*standInErr) Error() string { return standInError }

// hasUpdatable reports whether any settable top-level argument is not ForceNew: SDKv2
// requires an Update function exactly in that case.
func hasUpdatable(s map[string]*schema.Schema) bool {
	keys := make([]string, 0, len(s))
	for k := range s {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := s[k]
		if (v.Optional || v.Required) && !v.ForceNew {
			return true
		}
	}
	return false
}
