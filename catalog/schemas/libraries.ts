// The schema libraries, each loaded on first use instead of when the catalog's modules load: a
// catalog without Protobuf never loads protobufjs, one without JSON Schema never loads ajv, and a
// validation whose verdicts are all remembered loads none of them. The use sites take their
// types from `import type` and their values from here.
/* eslint-disable @typescript-eslint/no-require-imports */
import type AjvDraft7 from 'ajv';
import type AjvDraft2020 from 'ajv/dist/2020';
import type AddFormats from 'ajv-formats';
import type * as Avsc from 'avsc';
import type * as Protobufjs from 'protobufjs';

export const lib = {
  get avro(): typeof Avsc {
    return require('avsc') as typeof Avsc;
  },
  get protobuf(): typeof Protobufjs {
    return require('protobufjs') as typeof Protobufjs;
  },
  get Ajv(): typeof AjvDraft7 {
    return (require('ajv') as { default: typeof AjvDraft7 }).default;
  },
  get Ajv2020(): typeof AjvDraft2020 {
    return (require('ajv/dist/2020') as { default: typeof AjvDraft2020 }).default;
  },
  get addFormats(): typeof AddFormats {
    return (require('ajv-formats') as { default: typeof AddFormats }).default;
  },
};
