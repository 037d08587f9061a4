// File-level rules: the file is named after its domain; schema folders belong to a domain.
import type { Rule } from './context';

export const fileNameMatchesDomain: Rule = ({ domains, diagnostics }) => {
  for (const d of domains) {
    const stem = d.file.replace(/^topics\//, '').replace(/\.ya?ml$/, '');
    if (d.header && d.domain !== stem) {
      diagnostics.error(
        d.source.locate(['domain']),
        'file-name-mismatch',
        `domain "${d.domain}" is declared in ${d.file}`,
        `rename the file to topics/${d.domain}.yaml or set "domain: ${stem}"`,
      );
    }
  }
};

export const schemaFoldersBelongToDomains: Rule = ({
  domains,
  brokenDomains,
  schemas,
  diagnostics,
}) => {
  const known = new Set([...domains.map((d) => d.domain), ...brokenDomains]);
  const reported = new Set<string>();
  for (const s of schemas.values()) {
    const domain = s.parsed.domain;
    if (known.has(domain) || reported.has(domain)) continue;
    reported.add(domain);
    diagnostics.error(
      { file: s.parsed.path, line: 1, col: 1 },
      'schema-unknown-domain',
      `schemas/${domain}/ belongs to no domain`,
      `add topics/${domain}.yaml, or move the schemas into the folder of the domain that owns them`,
    );
  }
};
