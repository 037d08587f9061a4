package main

// Schemas for the stand-in: a transcription of the real confluentinc/terraform-provider-confluent
// (SDKv2) source, attribute by attribute: names, types and element types, Required/Optional/
// Computed, nested blocks with MinItems/MaxItems, Sensitive, ForceNew, Default, Deprecated,
// ConflictsWith/ExactlyOneOf and descriptions (verbatim). Validation functions, DiffSuppressFunc,
// DefaultFunc (env defaults) and CustomizeDiff are left out: none of them is part of
// `terraform providers schema -json`.
//
// Source: the stored copy of github.com/confluentinc/terraform-provider-confluent; the file and
// commit each schema comes from is noted above it and listed in ../versions.env
// (CONFLUENT_SCHEMA_SOURCE_*) and ../README.md, which also says why no single release tag could
// be pinned. Re-audit: ../README.md "Re-auditing the transcription".
//
// Adding a type the stacks need: transcribe it here from the same source AND add it to
// CONFLUENT_RESOURCES / CONFLUENT_DATA_SOURCES in ../versions.env, then run ../build.sh and
// ../generate-bindings.sh.

import (
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-sdk/v2/helper/schema"
)

// provider.go init(): markdown descriptions, and "Defaults to `x`." appended for attributes
// with a Default. Both show up in `providers schema -json` (description, description_kind).
func init() {
	schema.DescriptionKind = schema.StringMarkdown
	schema.SchemaDescriptionBuilder = func(s *schema.Schema) string {
		d := s.Description
		if s.Default != nil {
			d += fmt.Sprintf(" Defaults to `%v`.", s.Default)
		}
		return strings.TrimSpace(d)
	}
}

// ---------------------------------------------------------------- small builders

type mode int

const (
	required mode = iota
	optional
	computed
	optionalComputed
)

func withMode(s *schema.Schema, m mode) *schema.Schema {
	switch m {
	case required:
		s.Required = true
	case optional:
		s.Optional = true
	case computed:
		s.Computed = true
	case optionalComputed:
		s.Optional, s.Computed = true, true
	}
	return s
}

func str(m mode, desc string) *schema.Schema {
	return withMode(&schema.Schema{Type: schema.TypeString, Description: desc}, m)
}
func integer(m mode, desc string) *schema.Schema {
	return withMode(&schema.Schema{Type: schema.TypeInt, Description: desc}, m)
}
func boolean(m mode, desc string) *schema.Schema {
	return withMode(&schema.Schema{Type: schema.TypeBool, Description: desc}, m)
}
func secret(m mode, desc string) *schema.Schema { s := str(m, desc); s.Sensitive = true; return s }
func strMap(m mode, desc string) *schema.Schema {
	return withMode(&schema.Schema{Type: schema.TypeMap, Elem: &schema.Schema{Type: schema.TypeString}, Description: desc}, m)
}
func strList(m mode, desc string) *schema.Schema {
	return withMode(&schema.Schema{Type: schema.TypeList, Elem: &schema.Schema{Type: schema.TypeString}, Description: desc}, m)
}
func strSet(m mode, desc string) *schema.Schema {
	return withMode(&schema.Schema{Type: schema.TypeSet, Elem: &schema.Schema{Type: schema.TypeString}, Description: desc}, m)
}

// list / set: SDKv2 nested blocks (TypeList / TypeSet of a Resource); 0 = unbounded.
func list(m mode, minItems, maxItems int, desc string, fields map[string]*schema.Schema) *schema.Schema {
	return withMode(&schema.Schema{Type: schema.TypeList, MinItems: minItems, MaxItems: maxItems,
		Description: desc, Elem: &schema.Resource{Schema: fields}}, m)
}
func set(m mode, desc string, fields map[string]*schema.Schema) *schema.Schema {
	return withMode(&schema.Schema{Type: schema.TypeSet, Description: desc, Elem: &schema.Resource{Schema: fields}}, m)
}

func forceNew(s *schema.Schema) *schema.Schema                   { s.ForceNew = true; return s }
func sensitive(s *schema.Schema) *schema.Schema                  { s.Sensitive = true; return s }
func withDefault(s *schema.Schema, v interface{}) *schema.Schema { s.Default = v; return s }
func deprecated(s *schema.Schema, msg string) *schema.Schema     { s.Deprecated = msg; return s }
func exactlyOneOf(s *schema.Schema, keys ...string) *schema.Schema {
	s.ExactlyOneOf = keys
	return s
}
func conflictsWith(s *schema.Schema, keys ...string) *schema.Schema {
	s.ConflictsWith = keys
	return s
}

// ---------------------------------------------------------------- provider (provider.go)

func providerSchema() map[string]*schema.Schema {
	oauthToken := []string{"oauth.0.oauth_external_token_url", "oauth.0.oauth_external_access_token"}
	return map[string]*schema.Schema{
		"catalog_rest_endpoint":         str(optional, "The Stream Catalog REST Endpoint."),
		"cloud_api_key":                 secret(optional, "The Confluent Cloud API Key."),
		"cloud_api_secret":              secret(optional, "The Confluent Cloud API Secret."),
		"kafka_id":                      str(optional, "The Kafka Cluster ID."),
		"kafka_api_key":                 secret(optional, "The Kafka Cluster API Key."),
		"kafka_api_secret":              secret(optional, "The Kafka Cluster API Secret."),
		"kafka_rest_endpoint":           str(optional, "The Kafka Cluster REST Endpoint."),
		"schema_registry_id":            str(optional, "The Schema Registry Cluster ID."),
		"schema_registry_api_key":       secret(optional, "The Schema Registry Cluster API Key."),
		"schema_registry_api_secret":    secret(optional, "The Schema Registry Cluster API Secret."),
		"schema_registry_rest_endpoint": str(optional, "The Schema Registry Cluster REST Endpoint."),
		"flink_principal_id":            str(optional, "The Flink Principal ID."),
		"organization_id":               str(optional, "The Flink Organization ID."),
		"environment_id":                str(optional, "The Flink Environment ID."),
		"flink_compute_pool_id":         str(optional, "The Flink Compute Pool ID."),
		"flink_api_key":                 secret(optional, "The Flink API Key."),
		"flink_api_secret":              secret(optional, "The Flink API Secret."),
		"flink_rest_endpoint":           str(optional, "The Flink REST Endpoint."),
		"tableflow_api_key":             secret(optional, "The Tableflow API Key."),
		"tableflow_api_secret":          secret(optional, "The Tableflow API Secret."),
		"endpoint":                      withDefault(str(optional, "The base endpoint of Confluent Cloud API."), "https://api.confluent.cloud"),
		"max_retries":                   integer(optional, "Maximum number of retries of HTTP client. Defaults to 4."),
		"user_agent_suffix": str(optional, "Value appended to the User-Agent header, used to attribute Terraform runs to their "+
			"source (e.g., a config exported from Confluent Cloud Console)."),
		"oauth": list(optional, 1, 1, "OAuth config settings", map[string]*schema.Schema{
			"oauth_external_token_url": exactlyOneOf(str(optional, "OAuth token URL to fetch access token from external Identity Provider."), oauthToken...),
			"oauth_external_client_id": str(optional, "OAuth token application client id from external Identity Provider."),
			"oauth_external_client_secret": secret(optional,
				"OAuth token application client secret from external Identity Provider."),
			"oauth_external_access_token": exactlyOneOf(secret(optional,
				"OAuth existing static access token already fetched from external Identity Provider."), oauthToken...),
			"oauth_external_token_scope": str(optional,
				"OAuth client application scope, this is a required field when using Microsoft Azure Entra ID as the identity provider."),
			"oauth_identity_pool_id": str(required,
				"OAuth identity pool id used for processing external token and exchange STS token, registered with Confluent Cloud."),
			"oauth_sts_token_expired_in_seconds": str(optional, "OAuth STS access token expired in second from Confluent Cloud"),
		}),
	}
}

// ---------------------------------------------------------------- shared helpers

// environmentSchema() (provider.go).
func environmentBlock() *schema.Schema {
	return forceNew(list(required, 1, 1,
		"Environment objects represent an isolated namespace for your Confluent resources for organizational purposes.",
		map[string]*schema.Schema{"id": forceNew(str(required, "The unique identifier for the environment."))}))
}

// environmentDataSourceSchema() (provider.go): no MinItems, no ForceNew, no descriptions.
func environmentDataSourceBlock() *schema.Schema {
	return list(required, 0, 1, "", map[string]*schema.Schema{"id": str(required, "")})
}

// credentialsSchema() (resource_kafka_topic.go), shared by the Kafka and Schema Registry types.
func credentialsBlock() *schema.Schema {
	return sensitive(list(optional, 1, 1, "The Cluster API Credentials.", map[string]*schema.Schema{
		"key":    secret(required, "The Cluster API Key for your Confluent Cloud cluster."),
		"secret": secret(required, "The Cluster API Secret for your Confluent Cloud cluster."),
	}))
}

// optionalKafkaClusterBlockSchema() (resource_kafka_topic.go).
func optionalKafkaClusterBlock() *schema.Schema {
	return forceNew(list(optional, 1, 1, "", map[string]*schema.Schema{
		"id": forceNew(str(required, "The Kafka cluster ID (e.g., `lkc-12345`).")),
	}))
}

const kafkaRestEndpointDesc = "The REST endpoint of the Kafka cluster (e.g., `https://pkc-00000.us-central1.gcp.confluent.cloud:443`)."

// schemaRegistryClusterBlockSchema() (resource_schema.go) plus the rest_endpoint / credentials /
// subject_name attributes every subject-scoped Schema Registry resource declares identically.
func schemaRegistrySubjectScoped(extra map[string]*schema.Schema) map[string]*schema.Schema {
	m := map[string]*schema.Schema{
		"schema_registry_cluster": forceNew(list(optional, 1, 1, "", map[string]*schema.Schema{
			"id": forceNew(str(required, "The Schema Registry cluster ID (e.g., `lsrc-abc123`).")),
		})),
		"rest_endpoint": forceNew(str(optional, "The REST endpoint of the Schema Registry cluster, for example, "+
			"`https://psrc-00000.us-central1.gcp.confluent.cloud:443`).")),
		"credentials":  credentialsBlock(),
		"subject_name": forceNew(str(required, "The name of the Schema Registry Subject.")),
	}
	for k, v := range extra {
		m[k] = v
	}
	return m
}

// ---------------------------------------------------------------- resources

const maxEckuDesc = "The maximum number of Elastic Confluent Kafka Units (eCKUs) that Kafka clusters should " +
	"auto-scale to. Kafka clusters with HIGH availability must have at least two eCKUs."

var clusterTypes = []string{"basic", "standard", "dedicated", "enterprise", "freight"}

func eckuBlock(withZones, conflictsWithByok bool) *schema.Schema {
	f := map[string]*schema.Schema{"max_ecku": integer(optionalComputed, maxEckuDesc)}
	if withZones {
		f["zones"] = strList(computed, "The list of zones the cluster is in.")
	}
	b := exactlyOneOf(list(optional, 0, 0, "", f), clusterTypes...)
	if conflictsWithByok {
		b.ConflictsWith = []string{"byok_key"}
	}
	return b
}

// ruleSchema() (resource_schema.go).
func ruleSet() *schema.Schema {
	return set(optional, "", map[string]*schema.Schema{
		"name":       str(required, ""),
		"kind":       str(required, ""),
		"mode":       str(required, ""),
		"type":       str(required, ""),
		"doc":        withDefault(str(optional, ""), ""),
		"expr":       withDefault(str(optional, ""), ""),
		"on_success": withDefault(str(optional, ""), "NONE,NONE"),
		"on_failure": withDefault(str(optional, ""), "ERROR,ERROR"),
		"tags":       strSet(optionalComputed, ""),
		"params":     strMap(optionalComputed, ""),
		"disabled":   withDefault(boolean(optional, ""), false),
	})
}

func resources() map[string]*schema.Resource {
	return map[string]*schema.Resource{
		// resource_environment.go
		"confluent_environment": {Schema: map[string]*schema.Schema{
			"display_name": str(required, "A human-readable name for the Environment."),
			"stream_governance": list(optionalComputed, 1, 1, "Stream Governance configurations for the environment",
				map[string]*schema.Schema{"package": str(required, "Stream Governance Package. 'ESSENTIALS' or 'ADVANCED'")}),
			"resource_name": str(computed, "The Confluent Resource Name of the Environment."),
		}},

		// resource_kafka_cluster.go
		"confluent_kafka_cluster": {
			Schema: map[string]*schema.Schema{
				"display_name": str(required, "The name of the Kafka cluster."),
				"api_version":  str(computed, "API Version defines the schema version of this representation of a Kafka cluster."),
				"kind":         str(computed, "Kind defines the object Kafka cluster represents."),
				"availability": forceNew(str(required, "The availability zone configuration of the Kafka cluster.")),
				"cloud":        forceNew(str(required, "The cloud service provider that runs the Kafka cluster.")),
				"region":       forceNew(str(required, "The cloud service provider region where the Kafka cluster is running.")),
				"network": list(optionalComputed, 1, 1, "Network represents a network (VPC) in Confluent Cloud. "+
					"All Networks exist within Confluent-managed cloud provider accounts.",
					map[string]*schema.Schema{"id": forceNew(str(required, "The unique identifier for the network."))}),
				"basic":      eckuBlock(false, true),
				"standard":   eckuBlock(false, true),
				"enterprise": eckuBlock(false, false),
				"freight":    eckuBlock(true, false),
				"dedicated": exactlyOneOf(list(optional, 0, 1, "", map[string]*schema.Schema{
					"cku": integer(required, "The number of Confluent Kafka Units (CKUs) for Dedicated cluster types. "+
						"MULTI_ZONE dedicated clusters must have at least two CKUs."),
					"encryption_key": str(optionalComputed, "The ID of the encryption key that is used to encrypt the data in the Kafka cluster."),
					"zones":          strList(computed, "The list of zones the cluster is in."),
				}), clusterTypes...),
				"bootstrap_endpoint": str(computed, "The bootstrap endpoint used by Kafka clients to connect to the Kafka cluster."),
				"rest_endpoint":      str(computed, "The REST endpoint of the Kafka cluster."),
				"rbac_crn": str(computed, "The Confluent Resource Name of the Kafka cluster suitable for "+
					"confluent_role_binding's crn_pattern."),
				"deletion_protection": boolean(optional, "Enable deletion protection for the Kafka cluster."),
				"environment":         environmentBlock(),
				"byok_key": conflictsWith(list(optionalComputed, 1, 1, "", map[string]*schema.Schema{
					"id": forceNew(str(required, "The ID of the Confluent key that is used to encrypt the data in the Kafka cluster.")),
				}), "basic", "standard"),
				"endpoints": list(computed, 0, 0, "A map of endpoints for connecting to the Kafka cluster, keyed by "+
					"access_point_id. Access Point ID 'public' and 'privatelink' are reserved. These can be used for "+
					"different network access methods or regions.", map[string]*schema.Schema{
					"access_point_id":    str(computed, "The access point ID (e.g., 'public', 'privatelink')."),
					"bootstrap_endpoint": str(computed, ""),
					"rest_endpoint":      str(computed, ""),
					"connection_type":    str(computed, ""),
				}),
			},
			// getTimeoutFor(kafkaClusterTypeDedicated): only the presence of create/update timeouts
			// reaches the schema (a `timeouts` block); the durations do not.
			Timeouts: &schema.ResourceTimeout{Create: schema.DefaultTimeout(72 * time.Hour), Update: schema.DefaultTimeout(72 * time.Hour)},
		},

		// resource_service_account.go
		"confluent_service_account": {Schema: map[string]*schema.Schema{
			"api_version":  str(computed, "API Version defines the schema version of this representation of a Service Account."),
			"kind":         str(computed, "Kind defines the object Service Account represents."),
			"display_name": str(required, "A human-readable name for the Service Account."),
			"description":  str(optional, "A free-form description of the Service Account."),
		}},

		// resource_api_key.go
		"confluent_api_key": {Schema: map[string]*schema.Schema{
			"display_name": str(optional, "A human-readable name for the API key."),
			"description":  str(optional, "A free-form description of the API key."),
			"owner": forceNew(list(required, 1, 1, "The owner to which the API Key belongs. The owner can be one of "+
				"'iam.v2.User', 'iam.v2.ServiceAccount'.", map[string]*schema.Schema{
				"id":          forceNew(str(required, "The unique identifier for the referred owner.")),
				"kind":        forceNew(str(required, "The kind of the referred owner.")),
				"api_version": forceNew(str(required, "The API version of the referred owner.")),
			})),
			"managed_resource": forceNew(list(optional, 1, 1, "The resource associated with this object. The only "+
				"resource that is supported is 'cmk.v2.Cluster', 'srcm.v2.Cluster', 'srcm.v3.Cluster'.", map[string]*schema.Schema{
				"id":          forceNew(str(required, "The unique identifier for the referred resource.")),
				"kind":        forceNew(str(required, "The kind of the referred resource.")),
				"api_version": forceNew(str(required, "The API version of the referred owner.")),
				// optionalApiKeyEnvironmentIdBlockSchema(): unbounded, not ForceNew itself.
				"environment": list(optional, 0, 0, "", map[string]*schema.Schema{"id": forceNew(str(required, ""))}),
			})),
			"secret":                 secret(computed, "The API Key Secret."),
			"disable_wait_for_ready": forceNew(withDefault(boolean(optional, ""), false)),
		}},

		// resource_role_binding.go
		"confluent_role_binding": {Schema: map[string]*schema.Schema{
			"principal":              forceNew(str(required, "The principal User to bind the role to.")),
			"role_name":              forceNew(str(required, "The name of the role to bind to the principal.")),
			"crn_pattern":            forceNew(str(required, "A CRN that specifies the scope and resource patterns necessary for the role to bind.")),
			"disable_wait_for_ready": withDefault(boolean(optional, ""), false),
		}},

		// resource_kafka_topic.go
		"confluent_kafka_topic": {Schema: map[string]*schema.Schema{
			"kafka_cluster":    optionalKafkaClusterBlock(),
			"topic_name":       forceNew(str(required, "The name of the topic, for example, `orders-1`.")),
			"partitions_count": withDefault(integer(optional, "The number of partitions to create in the topic."), 6),
			"rest_endpoint":    str(optional, kafkaRestEndpointDesc),
			"config":           strMap(optionalComputed, "The custom topic settings to set (e.g., `\"cleanup.policy\" = \"compact\"`)."),
			"credentials":      credentialsBlock(),
		}},

		// resource_kafka_acl.go
		"confluent_kafka_acl": {Schema: map[string]*schema.Schema{
			"kafka_cluster": optionalKafkaClusterBlock(),
			"resource_type": forceNew(str(required, "The type of the resource.")),
			"resource_name": forceNew(str(required, "The resource name for the ACL.")),
			"pattern_type":  forceNew(str(required, "The pattern type for the ACL.")),
			"principal":     forceNew(str(required, "The principal for the ACL.")),
			"host":          forceNew(str(required, "The host for the ACL.")),
			"operation":     forceNew(str(required, "The operation type for the ACL.")),
			"permission":    forceNew(str(required, "The permission for the ACL.")),
			"rest_endpoint": forceNew(str(optional, kafkaRestEndpointDesc)),
			"credentials":   credentialsBlock(),
		}},

		// resource_schema.go
		"confluent_schema": {Schema: schemaRegistrySubjectScoped(map[string]*schema.Schema{
			"format":  forceNew(str(required, "The format of the Schema.")),
			"schema":  str(optionalComputed, "The definition of the Schema."),
			"version": integer(computed, "The version number of the Schema."),
			"schema_identifier": integer(computed, "Globally unique identifier of the Schema returned for a creation "+
				"request. It should be used to retrieve this schema from the schemas resource and is different from "+
				"the schema’s version which is associated with the subject."),
			"schema_reference": set(optional, "The list of references to other Schemas.", map[string]*schema.Schema{
				"subject_name": str(required, "The name of the referenced Schema Registry Subject (for example, \"User\")."),
				"name": str(required, "The name of the Schema references (for example, \"io.confluent.kafka.example.User\"). "+
					"For Avro, the reference name is the fully qualified schema name, for JSON Schema it is a URL, and for "+
					"Protobuf, it is the name of another Protobuf file."),
				"version": integer(required, "The version of the referenced Schema."),
			}),
			"ruleset": list(optional, 0, 1, "", map[string]*schema.Schema{
				"domain_rules":    ruleSet(),
				"migration_rules": ruleSet(),
			}),
			"metadata": list(optionalComputed, 0, 1, "", map[string]*schema.Schema{
				"tags": set(optionalComputed, "", map[string]*schema.Schema{
					"key":   str(optionalComputed, ""),
					"value": strSet(optionalComputed, ""),
				}),
				"properties": strMap(optionalComputed, ""),
				"sensitive":  strSet(optionalComputed, ""),
			}),
			"hard_delete": withDefault(boolean(optional, "Controls whether a schema should be soft or hard deleted. "+
				"Set it to `true` if you want to hard delete a schema on destroy. Defaults to `false` (soft delete)."), false),
			"recreate_on_update": forceNew(withDefault(boolean(optional, "Controls whether a schema should be recreated on update."), false)),
			"skip_validation_during_plan": withDefault(boolean(optional,
				"Controls whether a schema validation should be skipped during terraform plan."), false),
		})},

		// resource_subject_config.go
		"confluent_subject_config": {Schema: schemaRegistrySubjectScoped(map[string]*schema.Schema{
			"compatibility_level": str(optionalComputed, ""),
			"compatibility_group": str(optionalComputed, ""),
		})},

		// resource_subject_mode.go
		"confluent_subject_mode": {Schema: schemaRegistrySubjectScoped(map[string]*schema.Schema{
			"mode": str(optionalComputed, ""),
			"force": withDefault(boolean(optional, "Controls whether it should force a mode change even if the Schema "+
				"Registry has existing schemas. This can be useful in disaster recovery (DR) scenarios using Schema "+
				"Linking. Defaults to `false`, which does not allow a mode change to IMPORT if Schema Registry has "+
				"registered schemas."), false),
		})},
	}
}

// ---------------------------------------------------------------- data sources

func dataSources() map[string]*schema.Resource {
	return map[string]*schema.Resource{
		// data_source_schema_registry_cluster.go
		"confluent_schema_registry_cluster": {Schema: map[string]*schema.Schema{
			"id":               str(optionalComputed, "The ID of the schema registry cluster."),
			"environment":      environmentDataSourceBlock(),
			"catalog_endpoint": str(computed, "The cluster's catalog HTTP request URL."),
			"cloud":            str(computed, "The cloud service provider in which the cluster is running."),
			"display_name":     str(optionalComputed, "The cluster name."),
			"rest_endpoint":    str(computed, "The cluster HTTP request URL."),
			"package": str(computed, "The billing package. Note: Clusters can be upgraded from ESSENTIALS to ADVANCED, "+
				"but cannot be downgraded from ADVANCED to ESSENTIALS."),
			"private_rest_endpoint": deprecated(str(computed, "The cluster's private HTTP request URL."),
				"Please use the private_regional_rest_endpoints attribute instead, which supersedes the private_rest_endpoint attribute."),
			"private_regional_rest_endpoints": strMap(computed, "Available HTTP request URLs for private connectivity."),
			"region":                          str(computed, "The cloud service provider region where the cluster is running."),
			"api_version":                     str(computed, "API Version defines the schema version of this representation of a resource."),
			"kind":                            str(computed, "Kind defines the object this REST resource represents."),
			"resource_name":                   str(computed, "The Confluent Resource Name of the Cluster."),
		}},

		// data_source_organization.go
		"confluent_organization": {Schema: map[string]*schema.Schema{
			"id":            str(computed, "The ID of the Organization (e.g., `1111aaaa-11aa-11aa-11aa-111111aaaaaa`)."),
			"resource_name": str(computed, "The Confluent Resource Name of the Organization."),
		}},
	}
}
