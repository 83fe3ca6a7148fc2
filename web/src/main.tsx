/** Entry point: i18n, Mantine (with direction), TanStack Query and Router. */
import '@mantine/core/styles.css';
import './i18n.ts';
import { createRoot } from 'react-dom/client';
import { App } from './app.tsx';

const root = document.getElementById('root');
if (!root) throw new Error('missing #root');
createRoot(root).render(<App />);
