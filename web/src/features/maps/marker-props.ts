/**
 * Props that make an SVG marker group behave as a button (SVG has no <button>): hover and keyboard focus
 * show its tooltip and highlight it; click, Enter or Space activate it.
 */
import type { FocusEvent, KeyboardEvent, MouseEvent } from 'react';

export interface MarkerHandlers {
  /** Shows the tooltip at a point on the screen and highlights the marker. */
  enter: (at: { clientX: number; clientY: number }) => void;
  move: (e: MouseEvent) => void;
  leave: () => void;
  activate: () => void;
}

export function markerProps(label: string, h: MarkerHandlers) {
  return {
    tabIndex: 0,
    role: 'button' as const,
    'aria-label': label,
    style: { cursor: 'pointer', outline: 'none' },
    onMouseEnter: (e: MouseEvent) => h.enter(e),
    onMouseMove: h.move,
    onMouseLeave: h.leave,
    onFocus: (e: FocusEvent<SVGGElement>) => {
      const r = e.currentTarget.getBoundingClientRect();
      h.enter({ clientX: r.right, clientY: r.bottom });
    },
    onBlur: h.leave,
    onClick: () => {
      h.leave();
      h.activate();
    },
    onKeyDown: (e: KeyboardEvent<SVGGElement>) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        h.leave();
        h.activate();
      }
    },
  };
}
