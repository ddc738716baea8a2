import { tokens } from '@fluentui/react-components';
import type { CSSProperties } from 'react';

/**
 * Chart series colours, as CSS custom properties set on the Fluent provider per theme. In Teams' high-contrast
 * theme every palette token is the same cyan, so two series became one colour; there the series take the distinct
 * colours of the high-contrast palette instead (cyan, yellow, green, white).
 */
export const series = {
  primary: 'var(--idm-series-primary)',
  bad: 'var(--idm-series-bad)',
  good: 'var(--idm-series-good)',
  neutral: 'var(--idm-series-neutral)',
  other: 'var(--idm-series-other)',
} as const;

export function seriesVariables(theme: string): CSSProperties {
  const contrast = theme === 'contrast';
  return {
    '--idm-series-primary': contrast ? '#1aebff' : tokens.colorPaletteBlueBorderActive,
    '--idm-series-bad': contrast ? '#ffff00' : tokens.colorPaletteRedBorderActive,
    '--idm-series-good': contrast ? '#3ff23f' : tokens.colorPaletteGreenBorderActive,
    '--idm-series-neutral': contrast ? '#ffffff' : tokens.colorNeutralStroke1,
    '--idm-series-other': contrast ? '#ffffff' : tokens.colorPaletteMarigoldBorderActive,
  } as CSSProperties;
}
