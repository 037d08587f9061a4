package main

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-sdk/v2/helper/schema"
)

func TestProviderSchemaIsValid(t *testing.T) {
	if err := Provider().InternalValidate(); err != nil {
		t.Fatal(err)
	}
}

// attr walks "type.attr[.nested...]" through nested blocks.
func attr(t *testing.T, m map[string]*schema.Resource, path ...string) *schema.Schema {
	t.Helper()
	r, ok := m[path[0]]
	if !ok {
		t.Fatalf("no type %s", path[0])
	}
	fields := r.Schema
	var s *schema.Schema
	for i, p := range path[1:] {
		s, ok = fields[p]
		if !ok {
			t.Fatalf("%v: no attribute %s", path, p)
		}
		if i < len(path)-2 {
			fields = s.Elem.(*schema.Resource).Schema
		}
	}
	return s
}

// Spot checks of transcribed attributes (see schemas.go for the source file of each).
func TestTranscribedAttributes(t *testing.T) {
	p := Provider()
	res, ds := p.ResourcesMap, p.DataSourcesMap

	pc := attr(t, res, "confluent_kafka_topic", "partitions_count")
	if pc.Type != schema.TypeInt || !pc.Optional || pc.Required || pc.Computed || pc.Default != 6 || pc.ForceNew {
		t.Errorf("confluent_kafka_topic.partitions_count: want Optional int Default 6, not ForceNew; got %+v", pc)
	}
	if _, ok := res["confluent_kafka_topic"].Schema["http_endpoint"]; ok {
		t.Error("confluent_kafka_topic.http_endpoint: removed in the transcribed source")
	}

	cr := attr(t, res, "confluent_kafka_topic", "credentials")
	if cr.Type != schema.TypeList || !cr.Optional || !cr.Sensitive || cr.MinItems != 1 || cr.MaxItems != 1 {
		t.Errorf("credentials: want Optional Sensitive list MinItems 1 MaxItems 1; got %+v", cr)
	}
	for _, k := range []string{"key", "secret"} {
		if s := attr(t, res, "confluent_kafka_topic", "credentials", k); !s.Required || !s.Sensitive {
			t.Errorf("credentials.%s: want Required Sensitive; got %+v", k, s)
		}
	}

	sec := attr(t, res, "confluent_api_key", "secret")
	if !sec.Computed || !sec.Sensitive || sec.Optional || sec.Required {
		t.Errorf("confluent_api_key.secret: want Computed Sensitive; got %+v", sec)
	}
	env := attr(t, res, "confluent_api_key", "managed_resource", "environment")
	if env.MaxItems != 0 || env.MinItems != 0 || !env.Optional {
		t.Errorf("confluent_api_key.managed_resource.environment: want Optional unbounded list; got %+v", env)
	}
	if s := attr(t, res, "confluent_api_key", "disable_wait_for_ready"); s.Default != false || !s.ForceNew {
		t.Errorf("confluent_api_key.disable_wait_for_ready: want Default false ForceNew; got %+v", s)
	}

	if s := attr(t, res, "confluent_schema", "schema_reference"); s.Type != schema.TypeSet {
		t.Errorf("confluent_schema.schema_reference: want a set; got %v", s.Type)
	}
	if s := attr(t, res, "confluent_schema", "schema"); !s.Optional || !s.Computed {
		t.Errorf("confluent_schema.schema: want Optional+Computed; got %+v", s)
	}
	if s := attr(t, res, "confluent_schema", "ruleset", "domain_rules", "on_failure"); s.Default != "ERROR,ERROR" {
		t.Errorf("confluent_schema.ruleset.domain_rules.on_failure: want Default ERROR,ERROR; got %+v", s)
	}

	for _, k := range []string{"basic", "standard", "dedicated", "enterprise", "freight"} {
		if s := attr(t, res, "confluent_kafka_cluster", k); len(s.ExactlyOneOf) != 5 {
			t.Errorf("confluent_kafka_cluster.%s: want ExactlyOneOf the 5 cluster types; got %v", k, s.ExactlyOneOf)
		}
	}

	if s := attr(t, ds, "confluent_schema_registry_cluster", "private_rest_endpoint"); s.Deprecated == "" {
		t.Error("data.confluent_schema_registry_cluster.private_rest_endpoint: want Deprecated")
	}
	if s := attr(t, ds, "confluent_schema_registry_cluster", "environment"); s.MinItems != 0 || s.MaxItems != 1 || !s.Required {
		t.Errorf("data.confluent_schema_registry_cluster.environment: want Required MaxItems 1 (no MinItems); got %+v", s)
	}

	oauth := p.Schema["oauth"]
	if oauth.MinItems != 1 || oauth.MaxItems != 1 || !oauth.Optional {
		t.Errorf("provider oauth: want Optional MinItems 1 MaxItems 1; got %+v", oauth)
	}
	if ep := p.Schema["endpoint"]; ep.Default != "https://api.confluent.cloud" {
		t.Errorf("provider endpoint: want Default https://api.confluent.cloud; got %v", ep.Default)
	}
}

// Descriptions reach the schema through the real provider's SchemaDescriptionBuilder.
func TestDescriptionBuilder(t *testing.T) {
	got := schema.SchemaDescriptionBuilder(attr(t, Provider().ResourcesMap, "confluent_kafka_topic", "partitions_count"))
	if want := "The number of partitions to create in the topic. Defaults to `6`."; got != want {
		t.Errorf("description: got %q want %q", got, want)
	}
}
