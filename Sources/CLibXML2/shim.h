#ifndef CRIER_CLIBXML2_SHIM_H
#define CRIER_CLIBXML2_SHIM_H

#include <libxml/xmlversion.h>
/* Debian builds libxml2 with ICU; exposing its ICU types next to Foundation's
   bundled ICU breaks clean builds ("UErrorCode has different definitions"). */
#undef LIBXML_ICU_ENABLED

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlwriter.h>
#include <libxml/xmlreader.h>
#include <libxml/xmlsave.h>
#include <libxml/relaxng.h>
#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>
#include <libxml/uri.h>
#include <libxml/xmlIO.h>
#include <libxml/entities.h>

/* xmlFree is a global function pointer: Swift 6 rejects touching it directly. */
static inline void crier_xmlFree(void *p) { xmlFree(p); }

/* Installs a structured error handler on one parser context only (libxml2 2.9 keeps it
   in the SAX handler), so concurrent parses keep their own diagnostics. */
static inline void crier_setContextErrorHandler(xmlParserCtxtPtr ctxt, xmlStructuredErrorFunc handler, void *data) {
    if (ctxt == NULL || ctxt->sax == NULL) return;
    ctxt->sax->initialized = XML_SAX2_MAGIC;
    ctxt->sax->serror = handler;
    ctxt->sax->error = NULL;
    ctxt->sax->warning = NULL;
    ctxt->vctxt.error = NULL;
    ctxt->vctxt.warning = NULL;
    ctxt->_private = data;
}

static inline int crier_nsWellFormed(xmlParserCtxtPtr ctxt) { return ctxt ? ctxt->nsWellFormed : 0; }
static inline int crier_wellFormed(xmlParserCtxtPtr ctxt) { return ctxt ? ctxt->wellFormed : 0; }

#endif
