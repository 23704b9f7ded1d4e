import { useEffect, useState } from "react";
import { useNavigate } from "react-router";
import { ErrorState, Loading } from "../../components/States";
import { completeOidc } from "../../lib/oidc";

export function OidcCallback() {
  const navigate = useNavigate();
  const [error, setError] = useState<Error | null>(null);
  useEffect(() => {
    completeOidc(location.search)
      .then(({ next }) => navigate(next, { replace: true }))
      .catch((e: Error) => setError(e));
  }, [navigate]);
  return error ? <ErrorState error={error} retry={() => navigate("/login")} /> : <Loading what="your session" />;
}
