import { Layout } from './layout.js';

/** The sign-in form; `error` is shown above it and announced. */
export function SignInPage({ token, next, error, username }: { token: string; next: string; error?: string | undefined; username?: string | undefined }) {
  return (
    <Layout title="Sign in">
      <h1>Sign in</h1>
      <form class="signin" method="post" action="/sign-in">
        {error && (
          <p class="error" role="alert" id="signin-error">
            {error}
          </p>
        )}
        <input type="hidden" name="csrf" value={token} />
        <input type="hidden" name="next" value={next} />
        <div>
          <label for="username">User name</label>
          <input id="username" name="username" type="text" autocomplete="username" required value={username ?? ''} aria-describedby={error ? 'signin-error' : undefined} />
        </div>
        <div>
          <label for="password">Password</label>
          <input id="password" name="password" type="password" autocomplete="current-password" required />
        </div>
        <button type="submit">Sign in</button>
      </form>
      <p>Use the same user name and password as the API. The platform admin signs in as "admin" with the admin API key.</p>
    </Layout>
  );
}
