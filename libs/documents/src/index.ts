export { DEFAULT_DOCUMENT_LIMITS, DocumentError, type DocumentLimits, parseJson, parseYaml, parseYamlDocuments } from './documents';
