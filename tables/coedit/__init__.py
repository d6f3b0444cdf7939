"""Real-time co-editing of proposals and meeting minutes (issue 14): the Yjs protocol
(protocol, updates), rendering (render), who may read and write (rules), the record of each
document (services), the documents held in this process (rooms). The consumer is
tables.consumers; the editor's page is tables.views_coedit."""
