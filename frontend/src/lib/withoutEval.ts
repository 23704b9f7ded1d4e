// The CSP (backend/dvt/api/security_headers.py) allows no eval. zod compiles object parsers with `Function`
// after probing whether it may (a probe the browser reports as a CSP violation) unless told not to, when a
// schema is made: so this runs before any module that makes one (main.tsx imports it first).
import { z } from "zod";

z.config({ jitless: true });
