import { useEffect, useRef, useState } from "react";
import { useNavigate } from "react-router";
import { ErrorState, Loading } from "../../components/States";
import { fetchAuthConfig } from "../../lib/auth";

export function OidcCallback() {
  const navigate = useNavigate();
  const [error, setError] = useState<Error | null>(null);
  const started = useRef(false);
  useEffect(() => {
    // A code is good once: StrictMode's second effect run must not redeem it again.
    if (started.current) return;
    started.current = true;
    Promise.all([fetchAuthConfig(), import("../../lib/oidc")])
      .then(([config, { completeOidc }]) => completeOidc(config))
      .then(({ next }) => navigate(next, { replace: true }))
      .catch((e: Error) => setError(e));
  }, [navigate]);
  return error ? <ErrorState error={error} retry={() => navigate("/login")} /> : <Loading what="your session" />;
}
