import { AppShell, Burger, Button, Group, Loader, NavLink, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { type ComponentType, lazy, Suspense } from 'react';
import { Navigate, Outlet, Route, NavLink as RouterLink, Routes, useLocation } from 'react-router';
import { useAuth } from './auth/AuthContext.tsx';
import { SignInPage } from './pages/SignIn.tsx';

/**
 * A page loaded when first shown: each page module is its own chunk, so the first load carries the shell,
 * Mantine and the sign-in page only (docs/web.md).
 */
function page<M, K extends keyof M>(load: () => Promise<M>, name: K) {
  return lazy(async () => ({ default: (await load())[name] as ComponentType }));
}

const DatasetsPage = page(() => import('./pages/Datasets.tsx'), 'DatasetsPage');
const DatasetDetailPage = page(() => import('./pages/Datasets.tsx'), 'DatasetDetailPage');
const SpecsPage = page(() => import('./pages/Specs.tsx'), 'SpecsPage');
const NewSpecPage = page(() => import('./pages/Specs.tsx'), 'NewSpecPage');
const SpecDetailPage = page(() => import('./pages/Specs.tsx'), 'SpecDetailPage');
const RunsPage = page(() => import('./pages/Runs.tsx'), 'RunsPage');
const NewRunPage = page(() => import('./pages/Runs.tsx'), 'NewRunPage');
const RunDetailPage = page(() => import('./pages/RunDetail.tsx'), 'RunDetailPage');
const AnonymizationPage = page(() => import('./pages/Anonymization.tsx'), 'AnonymizationPage');
const AnonymizationDetailPage = page(() => import('./pages/Anonymization.tsx'), 'AnonymizationDetailPage');
const RedTeamPage = page(() => import('./pages/RedTeam.tsx'), 'RedTeamPage');
const RedTeamSpecPage = page(() => import('./pages/RedTeam.tsx'), 'RedTeamSpecPage');
const RedTeamRunPage = page(() => import('./pages/RedTeam.tsx'), 'RedTeamRunPage');
const ModelsPage = page(() => import('./pages/Models.tsx'), 'ModelsPage');
const AccountPage = page(() => import('./pages/Account.tsx'), 'AccountPage');

const NAV = [
  { to: '/datasets', label: 'Seed datasets' },
  { to: '/specs', label: 'Specs' },
  { to: '/runs', label: 'Runs' },
  { to: '/anonymization', label: 'Anonymization' },
  { to: '/red-team', label: 'Red teaming' },
  { to: '/models', label: 'Models' },
  { to: '/account', label: 'Account' },
];

function SignedIn() {
  const { client, signOut } = useAuth();
  const location = useLocation();
  const [opened, { toggle }] = useDisclosure();
  if (!client) return <Navigate to="/sign-in" replace state={{ from: location.pathname }} />;
  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="md"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Group>
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Menu" />
            <Title order={3}>OpenFramer</Title>
          </Group>
          <Group>
            <Text component="a" href="/api/docs/" target="_blank" size="sm" c="dimmed">
              API docs
            </Text>
            <Button variant="subtle" size="xs" onClick={() => signOut()}>
              Sign out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs">
        {NAV.map((item) => (
          <NavLink
            key={item.to}
            component={RouterLink}
            to={item.to}
            label={item.label}
            active={location.pathname.startsWith(item.to)}
          />
        ))}
      </AppShell.Navbar>
      <AppShell.Main>
        <Suspense fallback={<Loader aria-label="Loading the page" />}>
          <Outlet />
        </Suspense>
      </AppShell.Main>
    </AppShell>
  );
}

export function App() {
  return (
    <Routes>
      <Route path="/sign-in" element={<SignInPage />} />
      <Route element={<SignedIn />}>
        <Route path="/" element={<Navigate to="/datasets" replace />} />
        <Route path="/datasets" element={<DatasetsPage />} />
        <Route path="/datasets/:id" element={<DatasetDetailPage />} />
        <Route path="/specs" element={<SpecsPage />} />
        <Route path="/specs/new" element={<NewSpecPage />} />
        <Route path="/specs/:id" element={<SpecDetailPage />} />
        <Route path="/runs" element={<RunsPage />} />
        <Route path="/runs/new" element={<NewRunPage />} />
        <Route path="/runs/:id" element={<RunDetailPage />} />
        <Route path="/anonymization" element={<AnonymizationPage />} />
        <Route path="/anonymization/:id" element={<AnonymizationDetailPage />} />
        <Route path="/red-team" element={<RedTeamPage />} />
        <Route path="/red-team/specs/:id" element={<RedTeamSpecPage />} />
        <Route path="/red-team/runs/:id" element={<RedTeamRunPage />} />
        <Route path="/models" element={<ModelsPage />} />
        <Route path="/account" element={<AccountPage />} />
        <Route path="*" element={<Text>Nothing here. Pick a page on the left.</Text>} />
      </Route>
    </Routes>
  );
}
