/** Sign-in: e-mail and password; the API's message on failure (wrong credentials, too many attempts). */
import { Alert, Box, Button, Card, Center, Group, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client.ts';
import { useProblemText } from '../../lib/problems.ts';
import { LanguageSwitcher } from './language-switcher.tsx';
import { useSignIn } from './session.ts';

export function SignInPage({ onSignedIn }: { onSignedIn: () => void }) {
  const { t } = useTranslation();
  const signIn = useSignIn();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');

  const submit = (e: FormEvent) => {
    e.preventDefault();
    signIn.mutate({ email: email.trim(), password }, { onSuccess: onSignedIn });
  };
  const problemText = useProblemText();
  const err = signIn.error;
  const message =
    err instanceof ApiError
      ? err.code === 'NETWORK'
        ? t('errors.network')
        : problemText(err)
      : err
        ? t('apiProblem.unexpected')
        : null;

  return (
    <Box mih="100vh" bg="gray.0">
      <Group justify="flex-end" p="md">
        <LanguageSwitcher />
      </Group>
      <Center pb={80}>
        <Card withBorder shadow="sm" radius="md" padding="xl" w={420} maw="calc(100vw - 32px)">
          <form onSubmit={submit} noValidate data-testid="sign-in-form">
            <Stack gap="md">
              <Stack gap={2}>
                <Title order={1} fz={28}>
                  {t('app.name')}
                </Title>
                <Text c="dimmed" size="sm">
                  {t('app.tagline')}
                </Text>
              </Stack>
              <Title order={2} fz="lg">
                {t('signIn.title')}
              </Title>
              {message && (
                <Alert color="red" variant="light" data-testid="sign-in-error" role="alert">
                  {message}
                </Alert>
              )}
              <TextInput
                label={t('signIn.email')}
                type="email"
                autoComplete="username"
                required
                value={email}
                onChange={(e) => setEmail(e.currentTarget.value)}
                name="email"
                data-testid="sign-in-email"
                autoFocus
              />
              <PasswordInput
                label={t('signIn.password')}
                autoComplete="current-password"
                required
                value={password}
                onChange={(e) => setPassword(e.currentTarget.value)}
                name="password"
                data-testid="sign-in-password"
              />
              <Button type="submit" loading={signIn.isPending} disabled={!email || !password} data-testid="sign-in-submit">
                {t('signIn.submit')}
              </Button>
            </Stack>
          </form>
        </Card>
      </Center>
    </Box>
  );
}
