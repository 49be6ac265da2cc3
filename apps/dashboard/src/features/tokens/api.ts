import { type CreateTokenBody, routes } from '@bulkhead/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import { tokenKeys } from './keys';

export const useTokens = () => useQuery({ queryKey: tokenKeys.all, queryFn: ({ signal }) => api.call(routes.listTokens, { signal }) });

/** Making or revoking a token changes the list, which shows again once read. */
function useTokenChange<V, R>(change: (variables: V) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: change, onSuccess: () => queryClient.invalidateQueries({ queryKey: tokenKeys.all }) });
}

export const useCreateToken = () => useTokenChange((body: CreateTokenBody) => api.call(routes.createToken, { body }));
export const useRevokeToken = () => useTokenChange((tokenId: string) => api.call(routes.revokeToken, { params: { tokenId } }));
