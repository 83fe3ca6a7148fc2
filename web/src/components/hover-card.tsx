/**
 * A tooltip that follows the pointer, shared by the matrix and the maps (one floating card instead of one
 * popover per cell or marker). `useHoverCard` holds what is hovered; `<HoverCard>` draws it near the pointer,
 * flipped to stay inside the window.
 */
import { Paper, Portal } from '@mantine/core';
import { type ReactNode, useCallback, useState } from 'react';

export interface HoverState<T> {
  x: number;
  y: number;
  data: T;
}

export function useHoverCard<T>() {
  const [state, setState] = useState<HoverState<T> | null>(null);
  const show = useCallback((e: { clientX: number; clientY: number }, data: T) => {
    setState({ x: e.clientX, y: e.clientY, data });
  }, []);
  const move = useCallback((e: { clientX: number; clientY: number }) => {
    setState((s) => (s ? { ...s, x: e.clientX, y: e.clientY } : s));
  }, []);
  const hide = useCallback(() => setState(null), []);
  return { state, show, move, hide };
}

export function HoverCard<T>({
  state,
  children,
  width = 340,
}: {
  state: HoverState<T> | null;
  children: (data: T) => ReactNode;
  width?: number;
}) {
  if (!state) return null;
  const margin = 16;
  const flipX = state.x + margin + width > window.innerWidth;
  const flipY = state.y > window.innerHeight * 0.6;
  return (
    <Portal>
      <Paper
        role="tooltip"
        data-testid="hover-card"
        shadow="md"
        radius="md"
        p="sm"
        withBorder
        style={{
          position: 'fixed',
          zIndex: 1000,
          pointerEvents: 'none',
          width,
          maxWidth: 'calc(100vw - 32px)',
          left: flipX ? Math.max(8, state.x - margin - width) : state.x + margin,
          ...(flipY ? { bottom: window.innerHeight - state.y + margin } : { top: state.y + margin }),
        }}
      >
        {children(state.data)}
      </Paper>
    </Portal>
  );
}
