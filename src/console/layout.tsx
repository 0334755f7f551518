import type { Child } from 'hono/jsx';
import type { ConsoleSession } from './sessions.js';

export interface LayoutProps {
  title: string;
  session?: ConsoleSession | undefined;
  /** The nav entry to mark as the current page. */
  current?: string;
  children?: Child;
}

const nav = [
  { href: '/inbox', label: 'Inbox' },
  { href: '/sent', label: 'Sent' },
  { href: '/faxes', label: 'All faxes' },
  { href: '/send', label: 'Send a fax' },
  { href: '/stats', label: 'Statistics' },
  { href: '/admin', label: 'Administration', adminOnly: true },
];

/** The page frame: skip link, banner with navigation and sign-out, one main landmark. */
export function Layout(props: LayoutProps) {
  const { session } = props;
  const who = session ? (session.principal.kind === 'admin' ? 'admin' : session.principal.username) : undefined;
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} · faxengine`}</title>
        <link rel="stylesheet" href="/console/style.css" />
      </head>
      <body>
        <a class="skip" href="#main">
          Skip to content
        </a>
        <header class="banner">
          <span class="brand">faxengine</span>
          {session && (
            <nav aria-label="Faxes">
              <ul>
                {nav.filter((item) => !item.adminOnly || session.principal.kind === 'admin').map((item) => (
                  <li>
                    <a href={item.href} aria-current={props.current === item.href ? 'page' : undefined}>
                      {item.label}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
          )}
          {session && (
            <form class="signout" method="post" action="/sign-out">
              <input type="hidden" name="csrf" value={session.csrfToken} />
              <span class="who">Signed in as {session.principal.kind === 'user' ? <a href="/account">{who}</a> : who}</span> <button type="submit">Sign out</button>
            </form>
          )}
          {session?.actingTenantId && (
            <form class="acting" method="post" action="/admin/acting-tenant">
              <input type="hidden" name="csrf" value={session.csrfToken} />
              <input type="hidden" name="tenantId" value="" />
              <span>Acting as {session.actingTenantName ?? `tenant ${session.actingTenantId}`}</span> — <button type="submit">Stop</button>
            </form>
          )}
        </header>
        <main id="main" tabindex={-1}>
          {props.children}
        </main>
      </body>
    </html>
  );
}
