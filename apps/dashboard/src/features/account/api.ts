import { routes } from '@bulkhead/contracts';
import { useMutation } from '@tanstack/react-query';
import { api } from '../../api/client';

export const useChangeOwnPassword = () =>
  useMutation({ mutationFn: (body: { current: string; next: string }) => api.call(routes.changeOwnPassword, { body }) });
