// The main script of the bench's runtime floor (tools/build.mjs --floor): nothing at all.
'use strict';
