import { Caption1 } from '@fluentui/react-components';
import { useEffect, useState } from 'react';
import type { ExpiryThresholdPreview } from '../../api/types.js';
import { useApp } from '../../app-context.js';

/**
 * What a new expiry threshold would do, before it is saved (issue 17): users newly expired (no longer billed) and
 * billed again, and what the newly expired users' licences cost a month — only where the partner set prices.
 */
export function ThresholdPreview(props: { readonly base: string; readonly days: number }) {
  const { api } = useApp();
  const [preview, setPreview] = useState<ExpiryThresholdPreview>();
  useEffect(() => {
    let current = true;
    setPreview(undefined);
    // A short pause while the number is being changed, so each step does not ask the server.
    const timer = setTimeout(() => {
      api.get<ExpiryThresholdPreview>(`${props.base}/settings/expiry/preview`, { days: props.days }).then(
        (answer) => {
          if (current) setPreview(answer);
        },
        () => {
          // The Save button reports problems; the preview just stays away.
        },
      );
    }, 300);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [api, props.base, props.days]);
  if (preview === undefined) return null;
  const cost = preview.newlyExpiredLicenceCost;
  return (
    <Caption1 role="status" data-testid="threshold-preview">
      At {preview.thresholdDays} days: {preview.newlyExpired} more users expire and are no longer billed,{' '}
      {preview.noLongerExpired} are billed again.
      {cost !== null &&
        ` The users who would expire hold ${cost.amount} ${cost.currency} a month of licences.`}
    </Caption1>
  );
}
