import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
// The shared styles first: each feature's stylesheet, imported by its pages, comes after them.
import './shared/styles/index.css';
import { App } from './app/App';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
