export { DEFAULT_DOCUMENT_LIMITS, DocumentError, type DocumentLimits } from './limits';
export { parseJson, parseYaml, parseYamlDocuments } from './documents';
