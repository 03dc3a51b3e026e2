package ingest_test

import "github.com/firebreak-hq/firebreak/internal/apperr"

var errNotFound = apperr.NotFound("integration")
