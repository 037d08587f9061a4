package main

// Schemas for the stand-in. Each entry mirrors the public interface of the real
// confluentinc/confluent provider (SDKv2) for that type: argument and attribute names,
// Required/Optional/Computed, nesting (SDKv2 TypeList blocks with MaxItems) and
// Sensitive flags. Sources, cross-checked: the provider's published documentation and
// source, and the argument/state types of the @pulumi/confluentcloud 2.82.0 npm package,
// which is generated from the provider's schema. See ../README.md for the caveats.
//
// Adding a type the stacks need: add it here AND to CONFLUENT_RESOURCES /
// CONFLUENT_DATA_SOURCES in ../versions.env, then run ../build.sh and ../generate-bindings.sh.

import (
	"time"

	"github.com/hashicorp/terraform-plugin-sdk/v2/helper/schema"
)

func str(mode string) *schema.Schema     { return withMode(&schema.Schema{Type: schema.TypeString}, mode) }
func integer(mode string) *schema.Schema { return withMode(&schema.Schema{Type: schema.TypeInt}, mode) }
func boolean(mode string) *schema.Schema {
	return withMode(&schema.Schema{Type: schema.TypeBool}, mode)
}
func secret(mode string) *schema.Schema {
	s := str(mode)
	s.Sensitive = true
	return s
}
func strMap(mode string) *schema.Schema {
	return withMode(&schema.Schema{Type: schema.TypeMap, Elem: &schema.Schema{Type: schema.TypeString}}, mode)
}
func strList(mode string) *schema.Schema {
	return withMode(&schema.Schema{Type: schema.TypeList, Elem: &schema.Schema{Type: schema.TypeString}}, mode)
}
func strSet(mode string) *schema.Schema {
	return withMode(&schema.Schema{Type: schema.TypeSet, Elem: &schema.Schema{Type: schema.TypeString}}, mode)
}

// block is an SDKv2 nested block (TypeList of a resource); maxItems 0 means unbounded.
func block(mode string, minItems, maxItems int, fields map[string]*schema.Schema) *schema.Schema {
	return withMode(&schema.Schema{
		Type:     schema.TypeList,
		MinItems: minItems,
		MaxItems: maxItems,
		Elem:     &schema.Resource{Schema: fields},
	}, mode)
}

// withMode: "required", "optional", "computed", "optional+computed".
func withMode(s *schema.Schema, mode string) *schema.Schema {
	switch mode {
	case "required":
		s.Required = true
	case "optional":
		s.Optional = true
	case "computed":
		s.Computed = true
	case "optional+computed":
		s.Optional = true
		s.Computed = true
	default:
		panic("unknown mode " + mode)
	}
	return s
}

func forceNew(s *schema.Schema) *schema.Schema { s.ForceNew = true; return s }

func idBlock(mode string) *schema.Schema {
	return block(mode, 1, 1, map[string]*schema.Schema{"id": forceNew(str("required"))})
}

func credentialsBlock() *schema.Schema {
	b := block("optional", 1, 1, map[string]*schema.Schema{
		"key":    secret("required"),
		"secret": secret("required"),
	})
	b.Sensitive = true
	return b
}

func providerSchema() map[string]*schema.Schema {
	return map[string]*schema.Schema{
		"cloud_api_key":                 secret("optional"),
		"cloud_api_secret":              secret("optional"),
		"endpoint":                      str("optional"),
		"environment_id":                str("optional"),
		"organization_id":               str("optional"),
		"max_retries":                   integer("optional"),
		"kafka_id":                      str("optional"),
		"kafka_rest_endpoint":           str("optional"),
		"kafka_api_key":                 secret("optional"),
		"kafka_api_secret":              secret("optional"),
		"schema_registry_id":            str("optional"),
		"schema_registry_rest_endpoint": str("optional"),
		"schema_registry_api_key":       secret("optional"),
		"schema_registry_api_secret":    secret("optional"),
		"catalog_rest_endpoint":         str("optional"),
		"flink_api_key":                 secret("optional"),
		"flink_api_secret":              secret("optional"),
		"flink_compute_pool_id":         str("optional"),
		"flink_principal_id":            str("optional"),
		"flink_rest_endpoint":           str("optional"),
		"tableflow_api_key":             secret("optional"),
		"tableflow_api_secret":          secret("optional"),
		"user_agent_suffix":             str("optional"),
		"oauth": block("optional", 0, 1, map[string]*schema.Schema{
			"oauth_identity_pool_id":             str("required"),
			"oauth_external_token_url":           str("optional"),
			"oauth_external_client_id":           str("optional"),
			"oauth_external_client_secret":       secret("optional"),
			"oauth_external_token_scope":         str("optional"),
			"oauth_external_access_token":        secret("optional"),
			"oauth_sts_token_expired_in_seconds": str("optional"),
		}),
	}
}

func rule() *schema.Resource {
	return &schema.Resource{Schema: map[string]*schema.Schema{
		"name":       str("required"),
		"doc":        str("optional+computed"),
		"kind":       str("required"),
		"mode":       str("required"),
		"type":       str("required"),
		"expr":       str("optional+computed"),
		"on_success": str("optional+computed"),
		"on_failure": str("optional+computed"),
		"disabled":   boolean("optional+computed"),
		"tags":       strSet("optional+computed"),
		"params":     strMap("optional+computed"),
	}}
}

func rules() *schema.Schema {
	return &schema.Schema{Type: schema.TypeList, Optional: true, Elem: rule()}
}

func schemaRegistryScoped(extra map[string]*schema.Schema) map[string]*schema.Schema {
	m := map[string]*schema.Schema{
		"schema_registry_cluster": block("optional", 1, 1, map[string]*schema.Schema{"id": forceNew(str("required"))}),
		"rest_endpoint":           str("optional"),
		"credentials":             credentialsBlock(),
		"subject_name":            forceNew(str("required")),
	}
	for k, v := range extra {
		m[k] = v
	}
	return m
}

func kafkaScoped(extra map[string]*schema.Schema) map[string]*schema.Schema {
	m := map[string]*schema.Schema{
		"kafka_cluster": block("optional", 1, 1, map[string]*schema.Schema{"id": forceNew(str("required"))}),
		"rest_endpoint": str("optional"),
		"credentials":   credentialsBlock(),
	}
	for k, v := range extra {
		m[k] = v
	}
	return m
}

func eckuBlock(withZones bool) *schema.Schema {
	f := map[string]*schema.Schema{"max_ecku": integer("optional+computed")}
	if withZones {
		f["zones"] = strList("computed")
	}
	return block("optional", 0, 0, f)
}

func resources() map[string]*schema.Resource {
	return map[string]*schema.Resource{
		"confluent_environment": {Schema: map[string]*schema.Schema{
			"display_name":      str("required"),
			"resource_name":     str("computed"),
			"stream_governance": block("optional+computed", 1, 1, map[string]*schema.Schema{"package": str("required")}),
		}},
		"confluent_kafka_cluster": {
			Schema: map[string]*schema.Schema{
				"display_name": str("required"),
				"api_version":  str("computed"),
				"kind":         str("computed"),
				"availability": forceNew(str("required")),
				"cloud":        forceNew(str("required")),
				"region":       forceNew(str("required")),
				"network":      block("optional+computed", 1, 1, map[string]*schema.Schema{"id": forceNew(str("required"))}),
				"basic":        eckuBlock(false),
				"standard":     eckuBlock(false),
				"enterprise":   eckuBlock(false),
				"freight":      eckuBlock(true),
				"dedicated": block("optional", 0, 1, map[string]*schema.Schema{
					"cku":            integer("required"),
					"encryption_key": str("optional+computed"),
					"zones":          strList("computed"),
				}),
				"bootstrap_endpoint":  str("computed"),
				"rest_endpoint":       str("computed"),
				"rbac_crn":            str("computed"),
				"deletion_protection": boolean("optional"),
				"environment":         forceNew(idBlock("required")),
				"byok_key":            block("optional+computed", 1, 1, map[string]*schema.Schema{"id": forceNew(str("required"))}),
				"endpoints": {Type: schema.TypeList, Computed: true, Elem: &schema.Resource{Schema: map[string]*schema.Schema{
					"access_point_id":    str("computed"),
					"bootstrap_endpoint": str("computed"),
					"rest_endpoint":      str("computed"),
					"connection_type":    str("computed"),
				}}},
			},
			Timeouts: &schema.ResourceTimeout{Create: schema.DefaultTimeout(72 * time.Hour), Update: schema.DefaultTimeout(72 * time.Hour)},
		},
		"confluent_service_account": {Schema: map[string]*schema.Schema{
			"display_name": str("required"),
			"description":  str("optional"),
			"api_version":  str("computed"),
			"kind":         str("computed"),
		}},
		"confluent_api_key": {Schema: map[string]*schema.Schema{
			"display_name":           str("optional"),
			"description":            str("optional"),
			"disable_wait_for_ready": boolean("optional"),
			"secret":                 secret("computed"),
			"owner": forceNew(block("required", 1, 1, map[string]*schema.Schema{
				"id":          forceNew(str("required")),
				"api_version": forceNew(str("required")),
				"kind":        forceNew(str("required")),
			})),
			"managed_resource": forceNew(block("optional", 1, 1, map[string]*schema.Schema{
				"id":          forceNew(str("required")),
				"api_version": forceNew(str("required")),
				"kind":        forceNew(str("required")),
				"environment": forceNew(block("optional", 1, 1, map[string]*schema.Schema{"id": forceNew(str("required"))})),
			})),
		}},
		"confluent_role_binding": {Schema: map[string]*schema.Schema{
			"principal":              forceNew(str("required")),
			"role_name":              forceNew(str("required")),
			"crn_pattern":            forceNew(str("required")),
			"disable_wait_for_ready": boolean("optional"),
		}},
		"confluent_kafka_topic": {Schema: kafkaScoped(map[string]*schema.Schema{
			"topic_name":       forceNew(str("required")),
			"partitions_count": withDefault(integer("optional"), 6),
			"http_endpoint":    deprecated(str("optional"), "use rest_endpoint"),
			"config":           strMap("optional+computed"),
		})},
		"confluent_kafka_acl": {Schema: kafkaScoped(map[string]*schema.Schema{
			"resource_type": forceNew(str("required")),
			"resource_name": forceNew(str("required")),
			"pattern_type":  forceNew(str("required")),
			"principal":     forceNew(str("required")),
			"host":          forceNew(str("required")),
			"operation":     forceNew(str("required")),
			"permission":    forceNew(str("required")),
		})},
		"confluent_schema": {Schema: schemaRegistryScoped(map[string]*schema.Schema{
			"format":            forceNew(str("required")),
			"schema":            str("optional"),
			"version":           integer("computed"),
			"schema_identifier": integer("computed"),
			"schema_reference": {Type: schema.TypeList, Optional: true, Elem: &schema.Resource{Schema: map[string]*schema.Schema{
				"name":         str("required"),
				"subject_name": str("required"),
				"version":      integer("required"),
			}}},
			"hard_delete":                 boolean("optional"),
			"recreate_on_update":          boolean("optional"),
			"skip_validation_during_plan": boolean("optional"),
			"metadata": block("optional+computed", 0, 1, map[string]*schema.Schema{
				"properties": strMap("optional+computed"),
				"tags": {Type: schema.TypeList, Optional: true, Computed: true, Elem: &schema.Resource{Schema: map[string]*schema.Schema{
					"key":   str("optional+computed"),
					"value": strList("optional+computed"),
				}}},
				"sensitive": strSet("optional+computed"),
			}),
			"ruleset": block("optional", 0, 1, map[string]*schema.Schema{
				"domain_rules":    rules(),
				"migration_rules": rules(),
				"encoding_rules":  rules(),
			}),
		})},
		"confluent_subject_config": {Schema: schemaRegistryScoped(map[string]*schema.Schema{
			"compatibility_level": str("optional+computed"),
			"compatibility_group": str("optional+computed"),
			"normalize":           boolean("optional+computed"),
			"alias":               str("optional+computed"),
		})},
		"confluent_subject_mode": {Schema: schemaRegistryScoped(map[string]*schema.Schema{
			"mode":  str("optional+computed"),
			"force": boolean("optional"),
		})},
	}
}

func dataSources() map[string]*schema.Resource {
	return map[string]*schema.Resource{
		"confluent_schema_registry_cluster": {Schema: map[string]*schema.Schema{
			"id":                              str("optional+computed"),
			"display_name":                    str("optional+computed"),
			"environment":                     block("required", 1, 1, map[string]*schema.Schema{"id": str("required")}),
			"api_version":                     str("computed"),
			"kind":                            str("computed"),
			"package":                         str("computed"),
			"region":                          str("computed"),
			"cloud":                           str("computed"),
			"rest_endpoint":                   str("computed"),
			"private_rest_endpoint":           str("computed"),
			"private_regional_rest_endpoints": {Type: schema.TypeMap, Computed: true, Elem: &schema.Schema{Type: schema.TypeString}},
			"catalog_endpoint":                str("computed"),
			"resource_name":                   str("computed"),
		}},
		"confluent_organization": {Schema: map[string]*schema.Schema{
			"id":            str("computed"),
			"resource_name": str("computed"),
		}},
	}
}

func withDefault(s *schema.Schema, v interface{}) *schema.Schema { s.Default = v; return s }
func deprecated(s *schema.Schema, msg string) *schema.Schema     { s.Deprecated = msg; return s }
