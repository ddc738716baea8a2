/**
 * Product names of Microsoft licence SKUs, vendored from Microsoft's published list "Product names and service plan
 * identifiers for licensing":
 *   source  https://learn.microsoft.com/en-us/entra/identity/users/licensing-service-plan-reference
 *           (MicrosoftDocs/entra-docs, docs/identity/users/licensing-service-plan-reference.md, commit 067a0c7b)
 *   date    the page says "This information was last updated on October 29, 2025"; vendored 2026-12-04.
 * Only the rows read and checked one by one against that page are here (product name, string id = Graph's
 * `skuPartNumber`, GUID = Graph's `skuId`). A SKU not listed is shown by its `skuPartNumber`, never by a guessed name.
 * Microsoft also publishes the table as CSV (linked from the page) for a fuller refresh.
 */
export interface LicenceProduct {
  /** Graph's `skuId`. */
  readonly skuId: string;
  /** Graph's `skuPartNumber` (the page's "String ID"). */
  readonly skuPartNumber: string;
  /** The name Microsoft's admin centres show. */
  readonly productName: string;
}

export const LICENCE_PRODUCTS_SOURCE = {
  url: 'https://learn.microsoft.com/en-us/entra/identity/users/licensing-service-plan-reference',
  lastUpdated: '2025-10-29',
  vendored: '2026-12-04',
} as const;

export const LICENCE_PRODUCTS: readonly LicenceProduct[] = [
  {
    skuId: '2b9c8e7c-319c-43a2-a2a0-48c5c6161de7',
    skuPartNumber: 'AAD_BASIC',
    productName: 'Microsoft Entra Basic',
  },
  {
    skuId: '078d2b04-f1bd-4111-bbd4-b4b1b354cef4',
    skuPartNumber: 'AAD_PREMIUM',
    productName: 'Microsoft Entra ID P1',
  },
  {
    skuId: '84a661c4-e949-4bd2-a560-ed7766fcaf2b',
    skuPartNumber: 'AAD_PREMIUM_P2',
    productName: 'Microsoft Entra ID P2',
  },
  {
    skuId: 'c52ea49f-fe5d-4e95-93ba-1de91d380f89',
    skuPartNumber: 'RIGHTSMANAGEMENT',
    productName: 'Azure Information Protection Plan 1',
  },
  {
    skuId: '4468c39a-28b2-42fb-9094-840bcf28771f',
    skuPartNumber: 'OFFICEBASIC',
    productName: 'Basic Collaboration',
  },
  {
    skuId: '90d8b3f8-712e-4f7b-aa1e-62e7ae6cbe96',
    skuPartNumber: 'SMB_APPS',
    productName: 'Business Apps (free)',
  },
  {
    skuId: '0fe440c5-f2bf-442b-a4f4-9a7af77a200b',
    skuPartNumber: 'Clipchamp_Premium',
    productName: 'Clipchamp Premium',
  },
  {
    skuId: '639dec6b-bb19-468b-871c-c5c441c4b0cb',
    skuPartNumber: 'Microsoft_365_Copilot',
    productName: 'Copilot for Microsoft 365',
  },
  {
    skuId: '0c266dff-15dd-4b49-8397-2bb16070ed52',
    skuPartNumber: 'MCOMEETADV',
    productName: 'Microsoft 365 Audio Conferencing',
  },
  {
    skuId: 'e4654015-5daf-4a48-9b37-4f309dddd88b',
    skuPartNumber: 'ADV_COMMS',
    productName: 'Advanced Communications',
  },
  {
    skuId: '24c35284-d768-4e53-84d9-b7ae73dddf69',
    skuPartNumber: 'Microsoft_365_Business_Premium_Donation_(Non_Profit_Pricing)',
    productName: 'Microsoft 365 Business Premium Donation',
  },
  {
    skuId: 'a3f586b6-8cce-4d9b-99d6-55238397f77a',
    skuPartNumber: 'Office_365_w/o_Teams_Bundle_Business_Premium',
    productName: 'Microsoft 365 Business Premium EEA (no Teams)',
  },
  {
    skuId: 'a6051f20-9cbc-47d2-930d-419183bf6cf1',
    skuPartNumber: 'BUSINESS_VOICE_MED2',
    productName: 'Microsoft 365 Business Voice',
  },
  {
    skuId: 'e5a17adf-8f0d-4b57-bc14-d331235f9307',
    skuPartNumber: 'BUSINESS_VOICE',
    productName: 'Microsoft 365 Business Voice (UK)',
  },
  {
    skuId: '15f2e9fc-b782-4f73-bf51-81d8b7fff6f4',
    skuPartNumber: 'Microsoft_Copilot_for_Sales',
    productName: 'Microsoft 365 Copilot for Sales',
  },
  { skuId: '05e9a617-0261-4cee-bb44-138d3ef5d965', skuPartNumber: 'SPE_E3', productName: 'Microsoft 365 E3' },
  {
    skuId: 'dcf0408c-aaec-446c-afd4-43e3683943ea',
    skuPartNumber: 'Microsoft_365_E3_(no_Teams)',
    productName: 'Microsoft 365 E3 (no Teams)',
  },
  {
    skuId: 'f5b15d67-b99e-406b-90f1-308452f94de6',
    skuPartNumber: 'Microsoft_365_E3_Extra_Features',
    productName: 'Microsoft 365 E3 Extra Features',
  },
  {
    skuId: 'c2ac2ee4-9bb1-47e4-8541-d689c7e83371',
    skuPartNumber: 'SPE_E3_RPA1',
    productName: 'Microsoft 365 E3 - Unattended License',
  },
  {
    skuId: '0c21030a-7e60-4ec7-9a0f-0042e0e0211a',
    skuPartNumber: 'Microsoft_365_E3',
    productName: 'Microsoft 365 E3 (500 seats min)_HUB',
  },
  {
    skuId: 'd13e9d1b-316a-4946-98c6-362c97a4fdfe',
    skuPartNumber: 'MCOPSTN5_US',
    productName: 'Microsoft 365 Domestic Calling Plan (120 minutes) – US',
  },
  {
    skuId: '6fd2c87f-b296-42f0-b197-1e91e994b900',
    skuPartNumber: 'ENTERPRISEPACK',
    productName: 'Office 365 E3',
  },
];

const BY_SKU_ID = new Map(LICENCE_PRODUCTS.map((product) => [product.skuId, product]));

/** Microsoft's product name for a SKU, or undefined when the vendored list does not hold it. */
export function licenceProductName(skuId: string): string | undefined {
  return BY_SKU_ID.get(skuId.toLowerCase())?.productName;
}
