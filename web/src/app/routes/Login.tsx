import { useState } from "preact/hooks";
import { json } from "../../api/client";
import { auth } from "../../i18n/console";
import { Link, navigate, nextOf, type RouteProps } from "../router";
import { signIn } from "../session";
import type { LoginRequest, LoginResponse } from "../types";
import { Button, ErrorNote, Field, useTitle } from "../ui";

export default function Login({ query }: RouteProps) {
  useTitle(auth.loginTitle);
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [errs, setErrs] = useState<{ email?: string; password?: string }>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const returning = query.has("next");

  async function onSubmit(e: Event) {
    e.preventDefault();
    if (busy) return;
    const next: typeof errs = {};
    if (!email.trim()) next.email = auth.emailRequired;
    if (!password) next.password = auth.passwordRequired;
    setErrs(next);
    setError(null);
    if (next.email || next.password) {
      document.getElementById(next.email ? "email" : "password")?.focus();
      return;
    }
    setBusy(true);
    try {
      const body: LoginRequest = { email: email.trim(), password };
      const r = await json<LoginResponse>("POST", "/api/v1/users/login", body);
      signIn(r);
      navigate(nextOf(query), { replace: true });
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  return (
    <>
      <h1>{auth.loginTitle}</h1>
      {returning && <p class="card soft">{auth.expired}</p>}
      <form onSubmit={onSubmit} noValidate>
        <Field id="email" label={auth.email} type="email" autoComplete="username" inputMode="email" required
          value={email} onInput={(e) => setEmail(e.currentTarget.value)} error={errs.email} />
        <Field id="password" label={auth.password} type="password" autoComplete="current-password" required
          value={password} onInput={(e) => setPassword(e.currentTarget.value)} error={errs.password} />
        <ErrorNote error={error} />
        <Button type="submit" block busy={busy} busyLabel={auth.loggingIn}>
          {auth.login}
        </Button>
      </form>
      <p class="form-note">
        {auth.noAccount} <Link href={query.has("next") ? `/app/register?next=${encodeURIComponent(nextOf(query))}` : "/app/register"}>{auth.toRegister}</Link>
      </p>
    </>
  );
}
